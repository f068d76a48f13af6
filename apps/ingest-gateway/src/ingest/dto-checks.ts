import { plainToInstance } from 'class-transformer';
import {
  getMetadataStorage,
  validate,
  ValidationTypes,
  type ValidationArguments,
  type ValidationError,
} from 'class-validator';

type Storage = ReturnType<typeof getMetadataStorage>;
type Metadata = ReturnType<Storage['getTargetValidationMetadatas']>[number];
type Test = (object: object, value: unknown) => boolean;
type Class = new () => object;

interface PropertyPlan {
  name: string;
  /** `@IsOptional` and the like: when one says no, nothing else is checked. */
  conditions: Test[];
  /** `@IsDefined` first, then every other constraint, as class-validator orders them. */
  constraints: Test[];
  /** The class a `@ValidateNested` property is turned into by its `@Type`, when it has one. */
  nested: (() => ClassPlan) | undefined;
}

interface ClassPlan {
  allowed: ReadonlySet<string>;
  properties: PropertyPlan[];
}

/**
 * A yes/no check compiled once from a DTO's class-validator (and class-transformer `@Type`)
 * metadata, calling the very constraint functions the decorators registered. It answers what
 * `validate(plainToInstance(type, body), { whitelist: true, forbidNonWhitelisted: true })` would,
 * without building instances or error objects, which made validation the gateway's largest cost.
 * It may say no where class-validator says yes (a shape it does not model, such as nested arrays),
 * never the reverse: callers fall back to class-validator on no, which also words the errors.
 */
export function compileCheck<T extends object>(type: new () => T): (body: object) => body is T {
  const storage = getMetadataStorage();
  const plans = new Map<Class, ClassPlan>();
  const planOf = (target: Class): ClassPlan => {
    let plan = plans.get(target);
    if (!plan) plans.set(target, (plan = compileClass(storage, target, planOf)));
    return plan;
  };
  const root = planOf(type);
  return (body: object): body is T => passes(root, body);
}

function compileClass(storage: Storage, target: Class, planOf: (target: Class) => ClassPlan): ClassPlan {
  // The arguments class-validator's executor uses without groups (`always` false, no strict groups).
  const metadatas = storage.getTargetValidationMetadatas(target, '', false, false, undefined);
  const grouped = storage.groupByPropertyName(metadatas);
  const properties = Object.entries(grouped).map(([name, list]): PropertyPlan => {
    const ofType = (kind: string) => list.filter((metadata) => metadata.type === kind);
    const known: string[] = [
      ValidationTypes.CONDITIONAL_VALIDATION,
      ValidationTypes.IS_DEFINED,
      ValidationTypes.CUSTOM_VALIDATION,
      ValidationTypes.NESTED_VALIDATION,
      ValidationTypes.WHITELIST,
    ];
    const unknown = list.find((metadata) => !known.includes(metadata.type));
    if (unknown) throw new Error(`${target.name}.${name}: ${unknown.type} is not supported by compileCheck`);
    const nestedClass = ofType(ValidationTypes.NESTED_VALIDATION).length > 0 ? typeOf(target, name) : undefined;
    let nestedPlan: ClassPlan | undefined;
    return {
      name,
      conditions: ofType(ValidationTypes.CONDITIONAL_VALIDATION).map(
        (metadata) => metadata.constraints[0] as (object: object, value: unknown) => boolean,
      ),
      constraints: [...ofType(ValidationTypes.IS_DEFINED), ...ofType(ValidationTypes.CUSTOM_VALIDATION)].map(
        (metadata) => constraintTest(storage, target, metadata),
      ),
      // Resolved on first use, so a class may nest itself.
      nested:
        ofType(ValidationTypes.NESTED_VALIDATION).length === 0
          ? undefined
          : () => (nestedPlan ??= nestedClass ? planOf(nestedClass) : WITHOUT_RULES),
    };
  });
  return { allowed: new Set(Object.keys(grouped)), properties };
}

/** What a nested object without a `@Type` becomes: a plain Object, which has no rules. */
const WITHOUT_RULES: ClassPlan = { allowed: new Set(), properties: [] };

/** The class class-transformer turns an object under `property` into (its `@Type`), if any. */
function typeOf(target: Class, property: string): Class | undefined {
  const probe = plainToInstance(target, { [property]: {} }) as Record<string, object>;
  const made = probe[property]?.constructor as Class | undefined;
  return made === undefined || made === Object ? undefined : made;
}

function constraintTest(storage: Storage, target: Class, metadata: Metadata): Test {
  const constraints = storage.getTargetValidatorConstraints(metadata.constraintCls);
  if (constraints.some((constraint) => constraint.async)) {
    throw new Error(`${target.name}.${metadata.propertyName}: async constraints are not supported by compileCheck`);
  }
  const instances = constraints.map((constraint) => constraint.instance);
  // One arguments object per rule, refilled per call: validation is synchronous.
  const args: ValidationArguments = {
    targetName: target.name,
    property: metadata.propertyName,
    object: {},
    value: undefined,
    constraints: metadata.constraints,
  };
  const holds = (value: unknown) => instances.every((instance) => accepted(instance.validate(value, args)));
  return (object, value) => {
    if (metadata.validateIf && !metadata.validateIf(object, value)) return true;
    args.object = object;
    args.value = value;
    return metadata.each && Array.isArray(value) ? value.every(holds) : holds(value);
  };
}

/** class-validator treats a promise as pending, not as a yes; this check only answers synchronously. */
function accepted(result: unknown): boolean {
  return Boolean(result) && typeof (result as { then?: unknown }).then !== 'function';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

function passes(plan: ClassPlan, object: object): boolean {
  // forbidUnknownValues (class-validator's default) refuses an object whose class has no rules.
  if (plan.properties.length === 0) return false;
  for (const key of Object.keys(object)) if (!plan.allowed.has(key)) return false;
  for (const property of plan.properties) {
    const value = (object as Record<string, unknown>)[property.name];
    if (!property.conditions.every((condition) => condition(object, value))) continue;
    if (!property.constraints.every((test) => test(object, value))) return false;
    if (property.nested && value !== undefined && !nestedPasses(property.nested(), value)) return false;
  }
  return true;
}

function nestedPasses(plan: ClassPlan, value: unknown): boolean {
  if (isPlainObject(value)) return passes(plan, value);
  return Array.isArray(value) && value.every((item) => isPlainObject(item) && passes(plan, item));
}

/** class-transformer and class-validator's own answer: the instance, and its problems if any. */
export async function classValidatorVerdict<T extends object>(
  type: new () => T,
  body: object,
): Promise<{ instance: T; errors: ValidationError[] }> {
  const instance = plainToInstance(type, body);
  const errors = await validate(instance, { whitelist: true, forbidNonWhitelisted: true, stopAtFirstError: false });
  return { instance, errors };
}
