import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { errorBodySchema, pageOf } from '@yunzhuo/protocol/api/common';

type AnyObject = z.ZodObject<z.ZodRawShape>;
type Method = RouteConfig['method'];

const errorResponse = { description: '{ error: { code, message, details } }', content: { 'application/json': { schema: errorBodySchema } } };
const idParams = z.object({ id: z.string().uuid() });

/**
 * The OpenAPI 3.1 document, built from the very zod schemas that validate requests: every
 * route registers itself here as it is mounted, so the document cannot drift from the code.
 */
const fileContent = {
  content: {
    'text/csv': { schema: { type: 'string' as const, description: 'UTF-8 with a BOM, a header row in Chinese' } },
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: { type: 'string' as const, format: 'binary' } },
  },
};

const imageContent = {
  content: {
    'image/png': { schema: { type: 'string' as const, format: 'binary' } },
    'image/jpeg': { schema: { type: 'string' as const, format: 'binary' } },
  },
};

export class OpenApiDocs {
  readonly #registry = new OpenAPIRegistry();
  #cached: object | undefined;

  route(
    method: Method,
    path: string,
    opts: {
      summary: string;
      tag: string;
      body?: z.ZodTypeAny;
      csvBody?: boolean;
      query?: AnyObject;
      params?: AnyObject;
      response?: z.ZodTypeAny;
      /** the answer is a file download (CSV or Excel), not JSON */
      fileResponse?: boolean;
      /** the body, or the answer, is a PNG or JPEG image (hall plans) */
      imageBody?: boolean;
      imageResponse?: boolean;
      status?: number;
    },
  ): void {
    this.#cached = undefined;
    const status = String(opts.status ?? 200);
    this.#registry.registerPath({
      method,
      path,
      summary: opts.summary,
      tags: [opts.tag],
      request: {
        ...(opts.body ? { body: { content: { 'application/json': { schema: opts.body } } } } : {}),
        ...(opts.csvBody
          ? {
              body: {
                required: true,
                content: { 'text/csv': { schema: { type: 'string', description: 'CSV with a header row: UTF-8, UTF-8 with BOM, or GB18030' } } },
              },
            }
          : {}),
        ...(opts.imageBody ? { body: { required: true, content: imageContent.content } } : {}),
        ...(opts.query ? { query: opts.query } : {}),
        ...(opts.params ? { params: opts.params } : {}),
      },
      responses: {
        [status]: {
          description: 'ok',
          ...(opts.response ? { content: { 'application/json': { schema: opts.response } } } : {}),
          ...(opts.fileResponse ? fileContent : {}),
          ...(opts.imageResponse ? imageContent : {}),
        },
        '4XX': errorResponse,
      },
    });
  }

  resource(path: string, type: string, schemas: { create: z.ZodTypeAny; update: z.ZodTypeAny; query: AnyObject; out: z.ZodTypeAny }): void {
    const base = `/api/v1/${path}`;
    const item = `${base}/{id}`;
    this.route('get', base, { summary: `List ${path}`, tag: path, query: schemas.query, response: pageOf(schemas.out) });
    this.route('post', base, { summary: `Create a ${type}`, tag: path, body: schemas.create, response: schemas.out, status: 201 });
    this.route('get', item, { summary: `Read a ${type}`, tag: path, params: idParams, response: schemas.out });
    this.route('patch', item, { summary: `Change a ${type}`, tag: path, params: idParams, body: schemas.update, response: schemas.out });
    this.route('delete', item, { summary: `Delete a ${type}`, tag: path, params: idParams, status: 204 });
  }

  document(): object {
    this.#cached ??= withoutRegexFlags(
      new OpenApiGeneratorV31(this.#registry.definitions).generateDocument({
        openapi: '3.1.0',
        info: { title: 'Yunzhuo broker API (云桌)', version: '1' },
        servers: [{ url: '/' }],
      }),
    );
    return this.#cached;
  }
}

/**
 * zod-to-openapi writes a regex that has flags (`/…/u`) as `source/u`, which as a JSON Schema
 * pattern matches nothing we accept. Patterns carry no flags (they are read as Unicode), so drop them.
 */
function withoutRegexFlags<T>(node: T): T {
  if (Array.isArray(node)) return node.map(withoutRegexFlags) as T;
  if (!node || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node).map(([k, v]) => [k, k === 'pattern' && typeof v === 'string' ? v.replace(/(?<!\\)\/[dgimsuvy]+$/, '') : withoutRegexFlags(v)]),
  ) as T;
}
