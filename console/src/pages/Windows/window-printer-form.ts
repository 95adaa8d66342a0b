import type { WindowPrinter } from '@yunzhuo/protocol/paper/printer';
import type { useT } from '../../i18n/i18n';
import type { FieldSpec, Values } from '../../modules/entity-form/EntityForm';

/** The printer's fields in the window form; an empty queue name means the window has none. */
export const printerFields = (t: ReturnType<typeof useT>): FieldSpec[] => [
  {
    name: 'printerName',
    label: 'window.printerName',
    kind: 'text',
    nullable: true,
    placeholder: 'counter',
    help: 'window.printerNameHelp',
    section: 'window.printerSection',
    path: 'printer.name',
  },
  {
    name: 'printerPaper',
    label: 'window.printerPaper',
    kind: 'select',
    path: 'printer.paper',
    options: [
      { value: 'A4', label: t('window.printerPaper.A4') },
      { value: 'receipt80', label: t('window.printerPaper.receipt80') },
    ],
  },
  { name: 'printerCopies', label: 'window.printerCopies', kind: 'number', min: 1, max: 9, path: 'printer.copies' },
  { name: 'printerDuplex', label: 'window.printerDuplex', kind: 'checkbox', path: 'printer.duplex' },
];

export const printerDefaults: Values = { printerName: null, printerPaper: 'A4', printerCopies: 1, printerDuplex: false };

export function printerValues(printer: WindowPrinter | null): Values {
  if (!printer) return printerDefaults;
  return { printerName: printer.name, printerPaper: printer.paper, printerCopies: printer.copies, printerDuplex: printer.duplex };
}

/** A changed printer field sends the whole printer (the API takes it as one value), or null. */
export function withPrinter(body: Record<string, unknown>, values: Values): Record<string, unknown> {
  if (!('printer' in body)) return body;
  const name = typeof values.printerName === 'string' ? values.printerName.trim() : '';
  const printer =
    name === '' ? null : { name, paper: values.printerPaper ?? 'A4', copies: Number(values.printerCopies ?? 1), duplex: values.printerDuplex === true };
  return { ...body, printer };
}
