import {
  createParamDecorator,
  Inject,
  Injectable,
  Module,
  SetMetadata,
  type CanActivate,
  type DynamicModule,
  type ExecutionContext,
} from '@nestjs/common';
import { APP_GUARD, Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { keyMatches, keyPrefix, presentedKey } from '@cairn/access';
import { Topics, type Scope } from '@cairn/contracts';
import type { ConsumedEvent } from '@cairn/kafka';
import type { Migration, Pool, PoolClient } from '@cairn/pg';
import { ApiError } from './http-errors';
import { Infrastructure, type ServiceOptions } from './infrastructure.service';
import { PG_POOL, SERVICE_OPTIONS } from './tokens';

/**
 * Every service that serves HTTP keeps its own copy of organizations and API keys, built from
 * `cairn.access.v1`, so no service reads another's tables.
 */
export const accessCopyMigration: Migration = {
  id: '001-access-copy',
  sql: `
    CREATE TABLE organizations (org_id text PRIMARY KEY, name text NOT NULL, created_at timestamptz NOT NULL);
    CREATE TABLE api_keys (
      prefix text PRIMARY KEY,
      org_id text NOT NULL,
      hash text NOT NULL,
      scopes text[] NOT NULL,
      revoked boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL
    );`,
};

export interface Principal {
  orgId: string;
  prefix: string;
  scopes: Scope[];
}

interface StoredKey extends Principal {
  hash: string;
  revoked: boolean;
}

/** How long a looked-up key is trusted before the copy is read again (a revocation takes at most this). */
const KEY_CACHE_MS = 2_000;

@Injectable()
export class AccessCopy {
  private readonly cache = new Map<string, { key: StoredKey | undefined; until: number }>();

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(SERVICE_OPTIONS) private readonly options: ServiceOptions,
    infrastructure: Infrastructure,
  ) {
    infrastructure.registerConsumer({
      groupId: `${options.name}-access`,
      topics: [Topics.access],
      handler: (events, { client }) => this.apply(events, client),
    });
  }

  private async apply(events: readonly ConsumedEvent[], client: PoolClient): Promise<void> {
    const schema = this.options.schema;
    for (const { event } of events) {
      if (event.type === 'org.created.v1') {
        await client.query(
          `INSERT INTO ${schema}.organizations (org_id, name, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
          [event.orgId, event.payload.name, event.occurredAt],
        );
      } else if (event.type === 'apikey.created.v1') {
        await client.query(
          `INSERT INTO ${schema}.api_keys (prefix, org_id, hash, scopes, created_at) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT DO NOTHING`,
          [event.payload.prefix, event.orgId, event.payload.hash, event.payload.scopes, event.payload.createdAt],
        );
      } else if (event.type === 'apikey.revoked.v1') {
        await client.query(`UPDATE ${schema}.api_keys SET revoked = true WHERE prefix = $1 AND org_id = $2`, [
          event.payload.prefix,
          event.orgId,
        ]);
      }
    }
  }

  /** The principal a presented key stands for, or undefined for an unknown, wrong or revoked key. */
  async authenticate(key: string): Promise<Principal | undefined> {
    const prefix = keyPrefix(key);
    const stored = await this.lookup(prefix);
    if (!stored || stored.revoked || !keyMatches(key, stored.hash)) return undefined;
    return { orgId: stored.orgId, prefix: stored.prefix, scopes: stored.scopes };
  }

  private async lookup(prefix: string): Promise<StoredKey | undefined> {
    const cached = this.cache.get(prefix);
    if (cached && cached.until > Date.now()) return cached.key;
    const { rows } = await this.pool.query<{
      prefix: string;
      org_id: string;
      hash: string;
      scopes: Scope[];
      revoked: boolean;
    }>(`SELECT prefix, org_id, hash, scopes, revoked FROM ${this.options.schema}.api_keys WHERE prefix = $1`, [prefix]);
    const row = rows[0];
    const key = row && {
      prefix: row.prefix,
      orgId: row.org_id,
      hash: row.hash,
      scopes: row.scopes,
      revoked: row.revoked,
    };
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(prefix, { key, until: Date.now() + KEY_CACHE_MS });
    return key;
  }
}

const SCOPE_KEY = 'cairn:scope';

/** The scope a route needs; routes without it need no key. */
export const RequireScope = (scope: Scope) => SetMetadata(SCOPE_KEY, scope);

type AuthenticatedRequest = FastifyRequest & { principal?: Principal };

@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly access: AccessCopy,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const scope = this.reflector.getAllAndOverride<Scope | undefined>(SCOPE_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!scope) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const key = presentedKey(request.headers);
    if (!key) throw new ApiError(401, 'missing API key: send Authorization: Bearer <key>');
    const principal = await this.access.authenticate(key);
    if (!principal) throw new ApiError(401, 'invalid or revoked API key');
    if (!principal.scopes.includes(scope)) throw new ApiError(403, `this key lacks the "${scope}" scope`);
    request.principal = principal;
    return true;
  }
}

/** The authenticated caller; the organization always comes from here, never from the body. */
export const CurrentPrincipal = createParamDecorator((_: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new Error('CurrentPrincipal used on a route without RequireScope');
  return principal;
});

@Module({})
export class AccessModule {
  static forRoot(): DynamicModule {
    return {
      module: AccessModule,
      global: true,
      providers: [AccessCopy, ApiKeyGuard, { provide: APP_GUARD, useExisting: ApiKeyGuard }],
      exports: [AccessCopy],
    };
  }
}
