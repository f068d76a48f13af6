import { Inject, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Observable } from 'rxjs';
import { ApiError, SERVICE_CONFIG, type Principal } from '@cairn/service-kit';
import type { GatewayConfig } from '../config';
import { RateLimiter } from './rate-limiter';

/** Per-key request rate limit on authenticated routes: 429 with Retry-After when exceeded. */
@Injectable()
export class RateLimitInterceptor implements NestInterceptor {
  private readonly limiter: RateLimiter;

  constructor(@Inject(SERVICE_CONFIG) config: GatewayConfig) {
    this.limiter = new RateLimiter(config.RATE_LIMIT_RPS, config.RATE_LIMIT_BURST);
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const principal = context.switchToHttp().getRequest<{ principal?: Principal }>().principal;
    if (principal) {
      const retryAfter = this.limiter.take(principal.prefix);
      if (retryAfter > 0) {
        throw new ApiError(429, 'rate limit exceeded for this API key', undefined, {
          'retry-after': String(retryAfter),
        });
      }
    }
    return next.handle();
  }
}
