// The five services, their entry points and default ports: the one list `npm start`, the
// end-to-end tests and the benchmarks use.
export const SERVICES = [
  { name: 'ingest-gateway', port: 8080 },
  { name: 'correlation', port: 8081 },
  { name: 'matcher', port: 8082 },
  { name: 'alerting', port: 8083 },
  { name: 'audit-ledger', port: 8084 },
].map((service) => ({
  ...service,
  entry: `dist/apps/${service.name}/src/main.js`,
  portVariable: `${service.name.toUpperCase().replace(/-/g, '_')}_PORT`,
}));
