/**
 * Layer and cycle rules, enforced by `npm run lint`; docs/architecture.md explains the layers.
 * Type-only imports count: a cycle through types is still a cycle a reader has to untangle.
 */
const app =
  '^src/(deploy/(actions|flow)|deploy/[^/]+\\.ts$|announce|schedule|report|steps|ports\\.ts|command-context\\.ts)';
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'Import cycles, type-only ones included, are not allowed.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'model-is-pure',
      severity: 'error',
      comment: 'src/deploy/model is pure: it imports only itself, plan types, errors and pure libraries.',
      from: { path: '^src/deploy/model/' },
      to: {
        path: '^src/',
        pathNot: ['^src/deploy/model/', '^src/plan/(schema|duration|variables)\\.ts$', '^src/errors\\.ts$'],
      },
    },
    {
      name: 'model-no-io-libraries',
      severity: 'error',
      comment: 'src/deploy/model does no I/O.',
      from: { path: '^src/deploy/model/' },
      to: {
        dependencyTypes: ['npm', 'core'],
        path: '(^|/)(pg|bullmq|ioredis|execa|undici|@slack|nodemailer|node:fs|node:child_process|node:net|node:http|fs|child_process|net|http)(/|$)',
      },
    },
    {
      name: 'infra-below-application',
      severity: 'error',
      comment:
        'Adapters under src/infra import only model types, plan, kernel (config, log, errors) and each other.',
      from: { path: '^src/infra/' },
      to: { path: [app, '^src/boot/', '^src/main\\.ts$', '^commands/', '^jobs/'] },
    },
    {
      name: 'plan-below-application',
      severity: 'error',
      comment:
        "The plan loader and schema are read by everyone and import no use case; only the step kinds' pure schema halves.",
      from: { path: '^src/plan/' },
      to: {
        path: [app, '^src/infra/', '^src/boot/', '^commands/', '^jobs/'],
        pathNot: '^src/steps/[^/]+\\.schema\\.ts$',
      },
    },
    {
      name: 'step-schemas-are-pure',
      severity: 'error',
      comment:
        'src/steps/*.schema.ts is what the plan schema reads: zod and plan fields only, never a runner.',
      from: { path: '^src/steps/[^/]+\\.schema\\.ts$' },
      to: {
        path: '^src/',
        pathNot: [
          '^src/steps/[^/]+\\.schema\\.ts$',
          '^src/plan/(fields|duration|variables)\\.ts$',
          '^src/errors\\.ts$',
        ],
      },
    },
    {
      name: 'steps-below-use-cases',
      severity: 'error',
      comment: "A step kind runs a step through src/infra/run; what happens next is the flow's business.",
      from: { path: '^src/steps/' },
      to: { path: ['^src/deploy/(actions|flow)/', '^src/announce/', '^src/schedule/', '^src/report/'] },
    },
    {
      name: 'only-boot-wires-listeners',
      severity: 'error',
      comment: 'Only the composition root (src/main.ts, src/boot/) imports commands/ and jobs/.',
      from: { path: '^src/', pathNot: ['^src/boot/', '^src/main\\.ts$'] },
      to: { path: ['^commands/', '^jobs/', '^src/boot/'] },
    },
    {
      name: 'flow-does-not-call-actions',
      severity: 'error',
      comment: 'What the system does by itself (flow) never calls what people trigger (actions).',
      from: { path: '^src/deploy/flow/' },
      to: { path: '^src/deploy/actions/' },
    },
    {
      name: 'announce-below-use-cases',
      severity: 'error',
      comment: 'The way out to people (src/announce) is used by actions and flows, never the reverse.',
      from: { path: '^src/announce/' },
      to: { path: ['^src/deploy/(actions|flow)/', '^src/schedule/', '^src/report/'] },
    },
    {
      name: 'thin-listeners',
      severity: 'error',
      comment: 'commands/ and jobs/ call actions and flows: no SQL, queue, runner or Block Kit of their own.',
      from: { path: '^(commands|jobs)/' },
      to: {
        path: ['^src/infra/(db|queue|run|notify|web|local|monitor)/', '^src/announce/blocks/'],
        // A job's data type is the queue's contract; types carry no behaviour.
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'no-orphans',
      severity: 'error',
      comment: 'A module nothing imports is dead code (entry points and tests excepted).',
      from: {
        orphan: true,
        pathNot: ['^src/main\\.ts$', '\\.d\\.ts$', '^src/infra/local/public/'],
      },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|test|bench|scripts)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
