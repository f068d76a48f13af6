export const PG_POOL = Symbol('PG_POOL');
export const KAFKA = Symbol('KAFKA');
export const SERVICE_OPTIONS = Symbol('SERVICE_OPTIONS');
export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');
