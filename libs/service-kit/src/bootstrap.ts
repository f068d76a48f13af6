import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { DynamicModule, Type } from '@nestjs/common';
import { ConfigError, type ServiceConfig } from './config';
import { JsonLogger } from './logger';

export interface BootOptions {
  name: string;
  defaultPort: number;
  /** Largest request body accepted, in bytes; larger ones are answered 413. */
  bodyLimit?: number;
}

/** Creates the Fastify-based Nest app with JSON logs and shutdown hooks, and starts listening. */
export async function startService(
  module: Type<unknown> | DynamicModule,
  config: ServiceConfig,
  options: BootOptions,
): Promise<NestFastifyApplication> {
  const logger = new JsonLogger(options.name, config.LOG_LEVEL);
  const adapter = new FastifyAdapter({ bodyLimit: options.bodyLimit ?? 1024 * 1024, trustProxy: true });
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, { logger, bufferLogs: true });
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  // Every Cairn endpoint that takes a body takes JSON; Fastify would otherwise parse text/plain.
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', async (request, reply) => {
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
