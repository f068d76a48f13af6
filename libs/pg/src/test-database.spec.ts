import { assertIdentifier, assertTestDatabase, databaseName } from './index';

describe('test database guard', () => {
  it('reads the database name from a URL', () => {
    expect(databaseName('postgres://u:p@localhost:5432/cairn_test?sslmode=disable')).toBe('cairn_test');
  });

  it('allows databases whose name marks them as test databases', () => {
    expect(() => assertTestDatabase('postgres://localhost/cairn_test')).not.toThrow();
  });

  it('refuses any other database', () => {
    expect(() => assertTestDatabase('postgres://localhost/cairn')).toThrow(/refusing to reset database "cairn"/);
  });

  it('accepts only plain SQL identifiers', () => {
    expect(() => assertIdentifier('ledger')).not.toThrow();
    expect(() => assertIdentifier('ledger; DROP TABLE x')).toThrow(/not a safe SQL identifier/);
  });
});
