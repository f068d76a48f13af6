// Integration tests start processes, brokers and consumer groups: they need more than Jest's 5 s.
jest.setTimeout(180_000);
