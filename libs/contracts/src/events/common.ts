import { Type } from '@sinclair/typebox';

export const VENDORS = ['buzo', 'basalt', 'parea', 'galtea', 'honeyhive'] as const;
export const Vendor = Type.Union(VENDORS.map((vendor) => Type.Literal(vendor)));

export const Id128 = Type.String({ minLength: 1, maxLength: 128 });
export const JsonObject = Type.Record(Type.String(), Type.Unknown());
export const Sdk = Type.Object(
  { lang: Type.String({ maxLength: 32 }), version: Type.String({ maxLength: 64 }) },
  { additionalProperties: false },
);
/** Vendor span-tree position of a retrieval or generation that came from a vendor span. */
export const SpanRef = {
  traceId: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  spanId: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
};
export const CharSpan = Type.Object(
  { start: Type.Integer({ minimum: 0 }), end: Type.Integer({ minimum: 0 }) },
  { additionalProperties: false },
);
