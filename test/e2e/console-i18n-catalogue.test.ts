// The console's catalogues are merged by spreading one file per area (console/src/i18n/messages/);
// a spread lets a key defined in two areas win silently, and an area file left out of the merge
// would vanish without a type error. Pure, no browser (beside window/window-page-units.test.ts).
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

// imported by URL: the console resolves imports as a bundler does, not as this project's NodeNext
const i18nDir = path.resolve(import.meta.dirname, '../../console/src/i18n');
const messagesDir = path.join(i18nDir, 'messages');
const LANGS = ['zh-CN', 'en'] as const;

type Catalogue = Record<string, string>;

/** the one object a catalogue file exports */
async function catalogueOf(file: string): Promise<Catalogue> {
  const exported = Object.values((await import(pathToFileURL(file).href)) as Record<string, unknown>);
  assert.equal(exported.length, 1, `${path.relative(i18nDir, file)} exports one catalogue`);
  return exported[0] as Catalogue;
}

/** area name -> language -> its one exported object */
async function areaFiles(): Promise<Map<string, Map<string, Catalogue>>> {
  const areas = new Map<string, Map<string, Catalogue>>();
  for (const file of readdirSync(messagesDir).sort()) {
    const match = /^([a-z-]+)\.(zh-CN|en)\.ts$/.exec(file);
    assert.ok(match, `messages/${file} is named <area>.zh-CN.ts or <area>.en.ts`);
    const [, area = '', lang = ''] = match;
    if (!areas.has(area)) areas.set(area, new Map());
    areas.get(area)!.set(lang, await catalogueOf(path.join(messagesDir, file)));
  }
  return areas;
}

describe('console i18n catalogues (one file per area, one catalogue per language)', () => {
  it('every area has both languages with the same keys, and no key lives in two areas', async () => {
    const areas = await areaFiles();
    assert.ok(areas.size >= 10, `${areas.size} areas found`);
    for (const lang of LANGS) {
      const owner = new Map<string, string>();
      for (const [area, byLang] of areas) {
        const catalogue = byLang.get(lang);
        assert.ok(catalogue, `messages/${area}.${lang}.ts exists`);
        for (const key of Object.keys(catalogue)) {
          assert.equal(owner.get(key), undefined, `${lang}: '${key}' is in messages/${area} and messages/${owner.get(key)}`);
          owner.set(key, area);
        }
      }
    }
    for (const [area, byLang] of areas) {
      assert.deepEqual(Object.keys(byLang.get('en')!).sort(), Object.keys(byLang.get('zh-CN')!).sort(), `messages/${area}: the same keys in both languages`);
    }
  });

  it('the merged catalogue of each language is exactly its area files, every key translated', async () => {
    const areas = await areaFiles();
    const merged = { 'zh-CN': await catalogueOf(path.join(i18nDir, 'zh-CN.ts')), en: await catalogueOf(path.join(i18nDir, 'en.ts')) };
    for (const lang of LANGS) {
      const union: Catalogue = {};
      for (const byLang of areas.values()) Object.assign(union, byLang.get(lang));
      assert.deepEqual(merged[lang], union, `${lang}.ts spreads every area file and nothing else`);
      for (const [key, text] of Object.entries(merged[lang])) assert.ok(text.trim().length > 0, `${lang}: '${key}' has text`);
    }
    assert.deepEqual(Object.keys(merged.en).sort(), Object.keys(merged['zh-CN']).sort(), 'every Chinese key is in English and no other');
  });
});
