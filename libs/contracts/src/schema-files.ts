import { EVENT_REGISTRY, EVENT_TYPES } from './registry';

export function schemaFileName(type: string): string {
  return `${type}.schema.json`;
}

/** The JSON Schema documents under `schemas/`, generated from the TypeBox definitions. */
export function renderSchemaFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const type of EVENT_TYPES) {
    const schema = { $schema: 'http://json-schema.org/draft-07/schema#', ...EVENT_REGISTRY[type].schema };
    files.set(schemaFileName(type), `${JSON.stringify(schema, null, 2)}\n`);
  }
  return files;
}
