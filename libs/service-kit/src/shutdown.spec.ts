import { EventEmitter } from 'node:events';
import { JsonLogger } from './logger';
import { boundShutdown, type SignalTarget } from './shutdown';

describe('boundShutdown', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const target = () => {
    const emitter = new EventEmitter();
    const exit = jest.fn();
    return { emitter, exit, signals: Object.assign(emitter, { exit }) as unknown as SignalTarget };
  };
  const quiet = new JsonLogger('test', 'error');
  jest.spyOn(quiet, 'error').mockImplementation(() => undefined);

  it('exits with 1 once the deadline after the first signal passes, and leaves no listener behind', () => {
    const { emitter, exit, signals } = target();
    boundShutdown(1_000, quiet, signals);
    emitter.emit('SIGTERM', 'SIGTERM');
    expect(emitter.listenerCount('SIGTERM') + emitter.listenerCount('SIGINT')).toBe(0);
    jest.advanceTimersByTime(999);
    expect(exit).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(exit).toHaveBeenCalledWith(1);
  });

  it('does nothing before a signal', () => {
    const { exit, signals } = target();
    boundShutdown(10, quiet, signals);
    jest.advanceTimersByTime(1_000);
    expect(exit).not.toHaveBeenCalled();
  });
});
