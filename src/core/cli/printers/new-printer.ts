// etcdctl's NewPrinter: the printer for -w/--write-out, or undefined for an unknown format.
import { FieldsPrinter } from './fields-printer';
import { JsonPrinter, ProtobufPrinter, TablePrinter } from './other-printers';
import type { Out, Printer } from './printer';
import { SimplePrinter } from './simple-printer';

export function newPrinter(format: string, isHex: boolean, o: Out): Printer | undefined {
  switch (format) {
    case 'simple': return new SimplePrinter(o, isHex);
    case 'fields': return new FieldsPrinter(o);
    case 'json': return new JsonPrinter(o);
    case 'protobuf': return new ProtobufPrinter(o);
    case 'table': return new TablePrinter(o);
    default: return undefined;
  }
}
