import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

/** Checks real API responses against docs/openapi.json (OpenAPI 3.1 = JSON Schema 2020-12). */
export interface OpenApiChecker {
  /** Returns a list of problems (empty when the response conforms). */
  check(method: string, pathTemplate: string, status: number, body: unknown): string[];
  /** Every (method, path template) the document declares. */
  readonly operations: Array<{ method: string; path: string }>;
}

type Doc = {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>
  >;
  components: { schemas: Record<string, unknown> };
};

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;

export const loadOpenApi = (file = new URL('../../docs/openapi.json', import.meta.url)): OpenApiChecker => {
  // Component refs become $defs refs of one schema document, so Ajv can run in strict mode on schema keywords only.
  const text = readFileSync(file, 'utf8').replaceAll('#/components/schemas/', 'openapi-components#/$defs/');
  const doc = JSON.parse(text) as Doc;
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: 'openapi-components', $defs: doc.components.schemas });
  const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.keys(methods).map((method) => ({ method: method.toUpperCase(), path })),
  );
  return {
    operations,
    check(method, pathTemplate, status, body) {
      const operation = doc.paths[pathTemplate]?.[method.toLowerCase()];
      if (operation === undefined) return [`${method} ${pathTemplate} is not in the OpenAPI document`];
      const response = operation.responses[String(status)];
      if (response === undefined) return [`${method} ${pathTemplate} does not document status ${status}`];
      const schema = response.content?.['application/json']?.schema;
      if (schema === undefined)
        return body === undefined || body === '' ? [] : [`status ${status} documents no body`];
      const validate = ajv.compile(schema as object);
      if (validate(body)) return [];
      return (validate.errors ?? []).map(
        (e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`,
      );
    },
  };
};
