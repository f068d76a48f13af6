import { migrateOnlyRequested } from './migrate-only';

describe('migrateOnlyRequested', () => {
  it('looks for --migrate-only among the arguments, not node or the script', () => {
    expect(migrateOnlyRequested(['node', 'main.js', '--migrate-only'])).toBe(true);
    expect(migrateOnlyRequested(['node', 'main.js'])).toBe(false);
    expect(migrateOnlyRequested(['--migrate-only', 'main.js'])).toBe(false);
  });
});
