/**
 * Exports a JSON Schema per event type (and for inbound commands) from the zod contracts, for n8n and
 * analytics users who do not read TypeScript. `npm run contracts:json-schema` rewrites the folder; a
 * test fails when the committed files are stale.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DeadLetter, OrderCommand } from '../contracts/commands';
import { ProductCreated, envelopeFor, orderEventTypes } from '../contracts/events';
import { groupEnvelopeFor, groupEventTypes } from '../contracts/group-events';
import { OrderStalled } from '../contracts/order-alerts';

export const schemaDir = path.resolve(__dirname, '../contracts/json-schema');

/** File name → JSON text, generated from the contracts. */
export function renderJsonSchemas(): Map<string, string> {
  const files = new Map<string, string>();
  const add = (name: string, title: string, schema: z.ZodType) => {
    const json = {
      $id: `https://fusioncommerce.dev/schemas/${name}`,
      title,
      ...z.toJSONSchema(schema, { io: 'input' }),
    };
    files.set(name, `${JSON.stringify(json, null, 2)}\n`);
  };
  for (const type of orderEventTypes)
    add(`${type}.schema.json`, `${type} (CloudEvents 1.0 + sequence)`, envelopeFor(type));
  for (const type of groupEventTypes)
    add(`${type}.schema.json`, `${type} (CloudEvents 1.0 + sequence per deal)`, groupEnvelopeFor(type));
  add('product.created.schema.json', 'product.created (CloudEvents 1.0)', ProductCreated);
  add(
    'order.stalled.schema.json',
    'order.stalled (CloudEvents 1.0, no sequence: an alert beside the order stream)',
    OrderStalled,
  );
  add('order-command.schema.json', 'Inbound order command (review decision or cancellation)', OrderCommand);
  add(
    'order-command-dead-letter.schema.json',
    'A refused or invalid order command, with the reason',
    DeadLetter,
  );
  return files;
}

if (require.main === module) {
  rmSync(schemaDir, { recursive: true, force: true });
  mkdirSync(schemaDir, { recursive: true });
  for (const [name, text] of renderJsonSchemas()) writeFileSync(path.join(schemaDir, name), text);
  console.log(`wrote ${readdirSync(schemaDir).length} schemas to contracts/json-schema/`);
}
