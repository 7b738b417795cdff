// Tessera's module boundaries, checked by dependency-cruiser on every `npm test`
// (`npm run lint:modules`). A module is a folder directly under src/; it may import only the
// modules its row of LAYERS names (ARCHITECTURE.md, "Modules and what may import what").
// The layering is about knowledge, not just runtime: type-only imports and re-exports count
// like any other import. Tests (*.test.ts, test/, bench/, scripts/) are not cruised: they
// may reach anywhere. There are no exceptions.
'use strict';

// Who may import whom. The table must stay acyclic (checked below), which is what keeps the
// modules free of cycles: any cycle between modules needs at least one import the table
// does not allow, and that import fails its module's rule.
const LAYERS = {
  // The pure bottom: publishable and testable alone, so they know nothing of ours.
  policy: [],
  sigv4: [],
  protocol: [],
  store: [],
  // Shared vocabulary (clock, ids, ARNs, principal, session claims, operation context types):
  // needs the policy and store types and protocol's tiny helpers, nothing that decides.
  kernel: ['policy', 'store', 'protocol'],
  // Sealed session tokens: persisted key ring and the session vocabulary.
  tokens: ['store', 'kernel'],
  // The one decision point: gathers policies from the store and asks policy/ to decide.
  authz: ['policy', 'store', 'kernel'],
  // One declaration per operation: its authorization target, its codec, its handler's types.
  operations: ['authz', 'kernel', 'protocol'],
  // OIDC and SAML verification → verified federated principals; it issues nothing itself.
  federation: ['store', 'policy', 'kernel', 'protocol'],
  // The services. iam/ validates identity-provider key sets with federation's parser;
  // sts/ reads IAM's roles and policies (sts → iam is allowed, iam → sts is not).
  iam: ['authz', 'operations', 'policy', 'store', 'tokens', 'protocol', 'kernel', 'federation'],
  sts: ['authz', 'operations', 'policy', 'store', 'tokens', 'protocol', 'kernel', 'iam'],
  // Organizations creates accounts and their OrganizationAccountAccessRole in IAM.
  organizations: ['authz', 'operations', 'policy', 'store', 'tokens', 'protocol', 'kernel', 'iam'],
  cloudtrail: ['authz', 'operations', 'policy', 'store', 'tokens', 'protocol', 'kernel'],
  // Access key resolution: long-term keys are IAM's records, session keys are sealed tokens.
  credentials: ['store', 'kernel', 'tokens', 'iam'],
  // Protected services: decide through authz/, verify and re-sign with sigv4/.
  gateway: ['authz', 'operations', 'protocol', 'sigv4', 'kernel'],
  // Instance metadata and container credential endpoints, run beside a workload (tessera run,
  // imds, container-credentials): they ask the server for credentials over HTTP with the
  // launch's grant (signing the launch with sigv4/), so they never hold the keys that issue
  // them and import nothing that does.
  workloads: ['sigv4', 'kernel'],
  // The composition root wires everything together; only the CLI sits above it.
  server: ['policy', 'sigv4', 'protocol', 'store', 'kernel', 'tokens', 'authz', 'operations',
    'federation', 'iam', 'sts', 'organizations', 'cloudtrail', 'credentials', 'gateway',
    'workloads'],
  // Commands need the server and whatever a command works on; nothing imports cli/.
  cli: ['policy', 'sigv4', 'protocol', 'store', 'kernel', 'tokens', 'authz', 'operations',
    'federation', 'iam', 'sts', 'organizations', 'cloudtrail', 'credentials', 'gateway',
    'workloads', 'server'],
};

const MODULES = Object.keys(LAYERS);
const anyOf = (names) => `^src/(${names.join('|')})/`;
const moduleOf = (path) => /^src\/([^/]+)\//.exec(path)?.[1];
const layerRuleName = (module) => `layer-${module}`;

assertAcyclic(LAYERS);
// dependency-cruiser skips files it cannot parse without a word, and it reads TypeScript
// through swc here (its tsc parser does not support TypeScript 7). Without swc the check
// would pass having read nothing.
require.resolve('@swc/core');

function assertAcyclic(layers) {
  const done = new Set();
  const visit = (module, path) => {
    if (path.includes(module)) {
      throw new Error(`the layer table has a cycle: ${[...path, module].join(' → ')}`);
    }
    if (done.has(module)) return;
    for (const lower of layers[module] ?? []) visit(lower, [...path, module]);
    done.add(module);
  };
  for (const module of Object.keys(layers)) visit(module, []);
}

const layerRules = MODULES.map((module) => ({
  name: layerRuleName(module),
  comment: LAYERS[module].length === 0
    ? `${module}/ imports nothing of ours (the layer table in .dependency-cruiser.cjs)`
    : `${module}/ may import only ${LAYERS[module].map((m) => `${m}/`).join(', ')} (the layer table in .dependency-cruiser.cjs)`,
  severity: 'error',
  from: { path: `^src/${module}/` },
  to: { path: '^src/', pathNot: anyOf([module, ...LAYERS[module]]) },
}));

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'module-not-in-layer-table',
      comment: 'every folder directly under src/ is a module with a row in the layer table, so its place is decided, not accidental',
      severity: 'error',
      from: { path: '^src/', pathNot: anyOf(MODULES) },
      to: {},
    },
    {
      name: 'no-cycle-between-modules',
      comment: 'modules form layers; an import cycle that crosses modules means two modules each know the other',
      severity: 'error',
      from: { path: '^src/([^/]+)/' },
      to: { circular: true, pathNot: '^src/$1/' },
    },
    {
      name: 'cycle-within-module',
      comment: 'a cycle inside one module is allowed but worth untangling',
      severity: 'warn',
      from: { path: '^src/([^/]+)/' },
      to: { circular: true, path: '^src/$1/' },
    },
    {
      name: 'pure-core-has-no-npm-dependencies',
      comment: 'policy/ and sigv4/ are published and embedded on their own: node: builtins only, no npm package (type-only imports included: a published .d.ts would need it)',
      severity: 'error',
      from: { path: '^src/(policy|sigv4)/' },
      to: { dependencyTypesNot: ['local', 'core'] },
    },
    {
      name: 'src-does-not-import-tests',
      comment: 'test/, bench/ and scripts/ are not shipped: production code never imports them',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|bench|scripts)/' },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'an import that does not resolve leaves a hole in the graph the other rules check',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    parser: 'swc',
    moduleSystems: ['es6', 'cjs'],
    // Test files are exempt from the rules: they may import across any layer.
    exclude: { path: '\\.test\\.ts$' },
    doNotFollow: { path: 'node_modules' },
    // Resolve packages as Node does for ES modules (some export only `import`/`require`).
    enhancedResolveOptions: { conditionNames: ['import', 'node', 'default'], exportsFields: ['exports'], mainFields: ['module', 'main'] },
  },
};
