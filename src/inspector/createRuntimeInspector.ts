import type { InspectionEvent } from 'xstate';
import type { DiagnosticRecord } from '../actors/runtime/createDiagnostics.js';
import type { PodMetadataStore } from '../core/types.js';
import { createRuntimeFeed, type RuntimeFeed } from './createRuntimeFeed.js';
import { startInspectorServer } from './startInspectorServer.js';

/** Options of {@link createRuntimeInspector}. */
export interface RuntimeInspectorOptions {
  /** TCP port on 127.0.0.1; 0 (the default) takes any free one. */
  readonly port?: number;
  /** The built page's folder (default the package's). */
  readonly pageDir?: string;
  /** What the page names as the source (default the program's path). */
  readonly source?: string;
}

/** An inspector watching an embedded runtime. */
export interface RuntimeInspector {
  /** The `inspect` option of `createPodRuntime` (cheap: it only queues the event). */
  readonly inspect: (event: InspectionEvent) => void;
  /** Where the page is, `http://127.0.0.1:<port>/`. */
  readonly url: string;
  readonly port: number;
  /** The feed behind the page, for a program that reads the stream itself. */
  readonly feed: RuntimeFeed;
  /**
   * Also streams `runtime`'s diagnostics ring to the page, and fills the pod rows' role, workspace, peers and
   * children from its store when that reads without a promise (`inspector.watch(runtime)` after `createPodRuntime`).
   */
  watch(runtime: { readonly diagnostics: { recent(): readonly DiagnosticRecord[] }; readonly store: Pick<PodMetadataStore, 'readNow'> }): void;
  /** Stops the server and the feed. */
  close(): Promise<void>;
}

/**
 * The embedded one-liner (docs/inspector.md):
 * `const inspector = await createRuntimeInspector(); createPodRuntime({ inspect: inspector.inspect })`,
 * then open `inspector.url`.
 */
export async function createRuntimeInspector(options: RuntimeInspectorOptions = {}): Promise<RuntimeInspector> {
  const feed = createRuntimeFeed(options.source === undefined ? {} : { source: options.source });
  const server = await startInspectorServer({
    feed,
    ...(options.port === undefined ? {} : { port: options.port }),
    ...(options.pageDir === undefined ? {} : { pageDir: options.pageDir }),
  });
  return {
    inspect: feed.inspect,
    url: server.url,
    port: server.port,
    feed,
    watch(runtime) {
      feed.watchDiagnostics(runtime.diagnostics);
      feed.watchStore(runtime.store);
    },
    async close() {
      await server.close();
      feed.close();
    },
  };
}
