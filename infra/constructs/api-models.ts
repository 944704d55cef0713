/**
 * JSON schemas (draft-04, the version API Gateway models accept) of the request bodies, used as
 * API Gateway request models so malformed bodies are refused before the Lambda runs. They are
 * generated from the same zod schemas the handlers validate with (`src/api/schemas.ts`) by
 * `requestModels()` of `src/api/openapi.ts`, which also feeds the OpenAPI document.
 * Source: https://docs.aws.amazon.com/apigateway/latest/developerguide/models-mappings-models.html
 */
import { requestModels } from '../../src/api/openapi.js';

/** A JSON Schema draft-04 document as a plain object (`type`, `properties`, `required`, ...). */
export type JsonSchemaObject = Readonly<Record<string, unknown>>;

/** The POST routes that take a JSON body: `/archive`, `/restore`, `/estimate`, `/schedule/preview`. */
export type BodyRoute = 'archive' | 'restore' | 'estimate' | 'schedulePreview';

/**
 * Any JSON object. Used for `POST /schedule/preview` (an operator's preview, validated by the
 * handler); API Gateway then still refuses a body that is not a JSON object.
 */
const JSON_OBJECT: JsonSchemaObject = { $schema: 'http://json-schema.org/draft-04/schema#', type: 'object' };

/**
 * The request-body schemas of the POST routes (plug-in point for the models: everything else,
 * models, validators and method wiring, takes whatever this returns).
 * @returns one draft-04 JSON schema per POST route
 * @throws Error when `requestModels()` lacks one of `archive`, `restore`, `estimate`
 */
export function requestBodySchemas(): Readonly<Record<BodyRoute, JsonSchemaObject>> {
  const models = requestModels() as Record<string, JsonSchemaObject | undefined>;
  const pick = (name: string): JsonSchemaObject => {
    const model = models[name];
    if (model === undefined) throw new Error(`src/api/openapi.ts requestModels() has no "${name}" model; has ${Object.keys(models).join(', ')}`);
    return model;
  };
  return { archive: pick('archive'), restore: pick('restore'), estimate: pick('estimate'), schedulePreview: JSON_OBJECT };
}
