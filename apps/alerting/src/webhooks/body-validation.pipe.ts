import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';
import { ApiError, type FieldError } from '@cairn/service-kit';

function fieldErrors(errors: readonly ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...fieldErrors(error.children ?? [], field)];
  });
}

/**
 * Validates a `@Body()` against its DTO class: unknown fields are refused, and every problem is
 * answered as 400 `{detail, errors: [{field, message}]}` naming the field.
 */
@Injectable()
export class BodyValidationPipe implements PipeTransform<unknown> {
  async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const type = metadata.metatype;
    if (metadata.type !== 'body' || !type || type === Object) return value;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new ApiError(400, 'the request body must be a JSON object');
    }
    const instance = plainToInstance(type, value) as object;
    const errors = fieldErrors(await validate(instance, { whitelist: true, forbidNonWhitelisted: true }));
    const [first] = errors;
    if (first) throw new ApiError(400, `invalid request: ${first.field}: ${first.message}`, errors);
    return instance;
  }
}
