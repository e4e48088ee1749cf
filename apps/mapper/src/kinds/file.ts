import { fetchFiles, FileSelector } from '@glint/github';
import { KindModule } from './kind-module';

/** Listed by resyncs only: a push's changed files reach the catalog through the next resync (the mapping's file references aside). */
export const fileKind: KindModule = {
  kind: 'file',
  repositoryScoped: false,
  list: (context, selector) => fetchFiles(context, selector as unknown as FileSelector),
  liveEvents: [],
  liveObjects: () => Promise.resolve([]),
};
