import type { LoggerService } from '@nestjs/common';

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LEVELS)[number];

/** One JSON object per line on stdout, so a log pipeline can index by service and correlation id. */
export class JsonLogger implements LoggerService {
  private readonly threshold: number;

  constructor(
    private readonly service: string,
    level: LogLevel = 'info',
  ) {
    this.threshold = LEVELS.indexOf(level);
  }

  log(message: unknown, ...context: unknown[]): void {
    this.write('info', message, context);
  }
  error(message: unknown, ...context: unknown[]): void {
    this.write('error', message, context);
  }
  warn(message: unknown, ...context: unknown[]): void {
    this.write('warn', message, context);
  }
  debug(message: unknown, ...context: unknown[]): void {
    this.write('debug', message, context);
  }
  verbose(message: unknown, ...context: unknown[]): void {
    this.write('debug', message, context);
  }

  write(level: LogLevel, message: unknown, context: unknown[] = [], fields: Record<string, unknown> = {}): void {
    if (LEVELS.indexOf(level) < this.threshold) return;
    const line: Record<string, unknown> = { time: new Date().toISOString(), level, service: this.service, ...fields };
    if (message instanceof Error) {
      line.message = message.message;
      line.stack = message.stack;
    } else {
      line.message = typeof message === 'string' ? message : JSON.stringify(message);
    }
    const [last] = context.slice(-1);
    if (typeof last === 'string') line.context = last;
    const stack = context.find((item): item is string => typeof item === 'string' && item.includes('\n    at '));
    if (stack) line.stack = stack;
    process.stdout.write(`${JSON.stringify(line)}\n`);
  }
}
