/**
 * JSON schemas (draft-04, the version API Gateway models accept) of the request bodies, used as
 * API Gateway request models so malformed bodies are refused before the Lambda runs.
 * Source: https://docs.aws.amazon.com/apigateway/latest/developerguide/models-mappings-models.html
 */

/** A JSON Schema draft-04 document as a plain object (`type`, `properties`, `required`, ...). */
export type JsonSchemaObject = Readonly<Record<string, unknown>>;

/** The POST routes that take a JSON body. */
export type BodyRoute = 'archive' | 'restore' | 'estimate';

/**
 * Placeholder schema: a JSON object, nothing more. API Gateway then refuses bodies that are not a
 * JSON object (including the source application's sample with a missing comma); field-level
 * validation stays in the Lambda (zod, `src/api/schemas.ts`), which answers `{code, message, field}`.
 */
const JSON_OBJECT: JsonSchemaObject = { $schema: 'http://json-schema.org/draft-04/schema#', type: 'object' };

/**
 * PLUG-IN POINT: the request-body schemas of the POST routes. Replace the placeholders with the
 * draft-04 JSON schemas generated from the zod schemas of `src/api/schemas.ts` (the same schemas
 * the handlers validate with and the OpenAPI document is generated from), e.g.
 * `archive: toDraft4(ArchiveBody)`. Everything else (models, validators, method wiring) already
 * takes whatever this returns.
 * @returns one draft-04 JSON schema per POST route
 */
export function requestBodySchemas(): Readonly<Record<BodyRoute, JsonSchemaObject>> {
  return { archive: JSON_OBJECT, restore: JSON_OBJECT, estimate: JSON_OBJECT };
}
