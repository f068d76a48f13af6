import 'reflect-metadata';
import type { IncomingMessage } from 'node:http';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { DynamicModule, Type } from '@nestjs/common';
import { ConfigError, type ServiceConfig } from './config';
import { instrumentHttp, REQUEST_ID_HEADER, requestIdOf } from './http-observability';
import { Infrastructure } from './infrastructure.service';
import { JsonLogger } from './logger';
import { Metrics } from './metrics';
import { migrateOnlyRequested } from './migrate-only';
import { boundShutdown } from './shutdown';

export interface BootOptions {
  name: string;
  defaultPort: number;
  /** Largest request body accepted, in bytes; larger ones are answered 413. */
  bodyLimit?: number;
}

/**
 * Creates the Fastify-based Nest app with JSON logs, request ids, HTTP metrics and shutdown hooks
 * (bounded by SHUTDOWN_TIMEOUT_MS), and starts listening. With `--migrate-only` it migrates the
 * service's schema and exits instead.
 */
export async function startService(
  module: Type<unknown> | DynamicModule,
  config: ServiceConfig,
  options: BootOptions,
): Promise<NestFastifyApplication> {
  const logger = new JsonLogger(options.name, config.LOG_LEVEL);
  const adapter = new FastifyAdapter({
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    trustProxy: true,
    genReqId: (request: IncomingMessage) => requestIdOf(request.headers[REQUEST_ID_HEADER]),
  });
  // `create` builds the providers but runs no lifecycle hook until `listen`: nothing connects yet.
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, { logger, bufferLogs: true });
  if (migrateOnlyRequested()) return migrateAndExit(app, logger);
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  boundShutdown(config.SHUTDOWN_TIMEOUT_MS, logger);
  const fastify = app.getHttpAdapter().getInstance();
  instrumentHttp(
    fastify,
    logger,
    optional(() => app.get(Metrics)),
  );
  // Every Cairn endpoint that takes a body takes JSON; Fastify would otherwise parse text/plain.
  fastify.addHook('onRequest', async (request, reply) => {
    if (request.method !== 'POST' && request.method !== 'PUT' && request.method !== 'PATCH') return;
    const type = request.headers['content-type'];
    if (type !== undefined && !/^application\/([\w.+-]+\+)?json\b/i.test(type)) {
      await reply.code(415).send({ detail: `unsupported content type "${type}": send application/json` });
    }
  });
  const port = config.PORT ?? options.defaultPort;
  await app.listen(port, config.HOST);
  logger.log(`listening on ${config.HOST}:${port}`);
  return app;
}

async function migrateAndExit(app: NestFastifyApplication, logger: JsonLogger): Promise<never> {
  const infrastructure = app.get(Infrastructure);
  const applied = await infrastructure.migrate();
  logger.log(`migrations done: ${applied.length === 0 ? 'none pending' : `applied ${applied.join(', ')}`}`);
  await infrastructure.pool.end();
  process.exit(0);
}

function optional<T>(get: () => T): T | undefined {
  try {
    return get();
  } catch {
    return undefined;
  }
}

/** Runs `main`, printing a configuration error as one clear message and exiting non-zero. */
export function runMain(name: string, main: () => Promise<unknown>): void {
  main().catch((error: unknown) => {
    if (error instanceof ConfigError) {
      process.stderr.write(`${name}: ${error.message}\n`);
    } else {
      new JsonLogger(name).error(error instanceof Error ? error : new Error(String(error)));
    }
    process.exit(1);
  });
}
