/**
 * Generates the OpenAPI 3.1 document from `contracts/http-api.ts` (zod 4's JSON Schema output is
 * draft 2020-12, which OpenAPI 3.1 uses as is). Named schemas become components; problems share one.
 */
import { z } from 'zod';
import type { HttpRoute } from '../../contracts/http-api';
import { Health, Readiness, apiRoutes } from '../../contracts/http-api';
import {
  InventoryLevel,
  InventoryUpdate,
  Product,
  ProductInput,
  ProductList,
} from '../../contracts/http-catalog';
import {
  CancelOrderBody,
  OrderAccepted,
  OrderDetails,
  OrderList,
  ReviewOrderBody,
} from '../../contracts/http-orders';
import { DealList, DealView, JoinDealBody, OpenDealBody } from '../../contracts/http-groups';
import {
  FraudDecisions,
  InventoryFlow,
  Notifications,
  OrderFlow,
  Revenue,
  ReviewQueue,
  TopSkus,
} from '../../contracts/http-analytics';
import { Problem, problemStatus } from '../../contracts/http-problem';
import type { ProblemCode } from '../../contracts/http-problem';
import { OrderInput } from '../../contracts/order';
import { PROBLEM_MEDIA_TYPE } from './problem';

type JsonSchema = Record<string, unknown>;

// Request bodies are described as clients write them (defaults optional), responses as the API sends them.
const requestSchemas = {
  OrderInput,
  CancelOrderBody,
  ReviewOrderBody,
  ProductInput,
  InventoryUpdate,
  OpenDealBody,
  JoinDealBody,
};
const responseSchemas = {
  OrderAccepted,
  OrderDetails,
  OrderList,
  Product,
  ProductList,
  InventoryLevel,
  DealView,
  DealList,
  OrderFlow,
  Revenue,
  TopSkus,
  FraudDecisions,
  ReviewQueue,
  InventoryFlow,
  Notifications,
  Health,
  Readiness,
  Problem,
};

function components(
  schemas: Record<string, z.ZodType>,
  io: 'input' | 'output',
): Map<z.ZodType, string> & { json: Record<string, JsonSchema> } {
  const registry = z.registry<{ id: string }>();
  const names = new Map<z.ZodType, string>();
  for (const [id, schema] of Object.entries(schemas)) {
    registry.add(schema, { id });
    names.set(schema, id);
  }
  const { schemas: json } = z.toJSONSchema(registry, {
    io,
    unrepresentable: 'any',
    uri: (id) => `#/components/schemas/${id}`,
  }) as { schemas: Record<string, JsonSchema> };
  for (const schema of Object.values(json)) {
    delete schema.$schema;
    delete schema.$id;
  }
  return Object.assign(names, { json });
}

function inline(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  delete json.$schema;
  return json;
}

function parameters(location: 'path' | 'query' | 'header', schema: z.ZodType | undefined) {
  if (!(schema instanceof z.ZodObject)) return [];
  return Object.entries(schema.shape as Record<string, z.ZodType>).map(([name, field]) => ({
    name:
      location === 'header'
        ? name.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase())
        : name,
    in: location,
    required: location === 'path' || !field.safeParse(undefined).success,
    schema: inline(field, 'input'),
    ...(field.description ? { description: field.description } : {}),
  }));
}

const alwaysPossible: readonly ProblemCode[] = ['internal_error', 'service_unavailable'];

function problemResponses(route: HttpRoute) {
  const codes = [...route.problems, ...(route.roles ? (['rate_limited'] as const) : []), ...alwaysPossible];
  const byStatus = new Map<number, ProblemCode[]>();
  for (const code of codes)
    byStatus.set(problemStatus[code], [...(byStatus.get(problemStatus[code]) ?? []), code]);
  return Object.fromEntries(
    [...byStatus].map(([status, list]) => [
      String(status),
      {
        description: `Problem document; \`code\` is one of: ${list.join(', ')}`,
        content: { [PROBLEM_MEDIA_TYPE]: { schema: { $ref: '#/components/schemas/Problem' } } },
      },
    ]),
  );
}

export function buildOpenApiDocument(): Record<string, unknown> {
  const requests = components(requestSchemas, 'input');
  const responses = components(responseSchemas, 'output');
  const ref = (names: Map<z.ZodType, string>, schema: z.ZodType, io: 'input' | 'output') => {
    const name = names.get(schema);
    return name ? { $ref: `#/components/schemas/${name}` } : inline(schema, io);
  };

  const paths: Record<string, Record<string, unknown>> = {};
  for (const [operationId, route] of Object.entries(apiRoutes) as [string, HttpRoute][]) {
    const success = Object.fromEntries(
      Object.entries(route.responses).map(([status, schema]) => [
        status,
        typeof schema === 'string'
          ? { description: route.summary, content: { [schema]: { schema: { type: 'string' } } } }
          : {
              description: route.summary,
              content: { 'application/json': { schema: ref(responses, schema, 'output') } },
            },
      ]),
    );
    const operation = {
      operationId,
      summary: route.summary,
      description: [route.description, route.roles ? `Roles: ${route.roles.join(', ')}.` : 'Public.']
        .filter(Boolean)
        .join('\n\n'),
      tags: [route.tag],
      ...(route.roles ? { security: [{ ApiKey: [] }, { Bearer: [] }] } : { security: [] }),
      parameters: [
        ...parameters('path', route.params),
        ...parameters('query', route.query),
        ...parameters('header', route.headers),
      ],
      ...(route.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: ref(requests, route.body, 'input') } },
            },
          }
        : {}),
      responses: { ...success, ...problemResponses(route) },
    };
    paths[route.path] = { ...paths[route.path], [route.method]: operation };
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'FusionCommerce Orchestrator API',
      version: '1.0.0',
      description:
        'Submit orders, read and list them, cancel them and decide fraud reviews; administer the catalog and stock. ' +
        'Errors are RFC 9457 problem documents (application/problem+json) with a stable `code`.',
    },
    tags: [
      { name: 'orders', description: 'Order submission and the order saga' },
      { name: 'catalog', description: 'Products and stock' },
      { name: 'deals', description: 'Group deals: buy together at a group price, or nobody pays' },
      { name: 'analytics', description: 'Figures of the order stream, read from Apache Druid' },
      { name: 'dashboard', description: 'Pages for operators: the live dashboard and the order timeline' },
      { name: 'operations', description: 'Health, readiness, metrics and this document' },
    ],
    paths,
    components: {
      schemas: { ...requests.json, ...responses.json },
      securitySchemes: {
        ApiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
        Bearer: { type: 'http', scheme: 'bearer' },
      },
    },
  };
}
