import { fetchFolders, FolderSelector } from '@glint/github';
import { KindModule } from './kind-module';

/** Listed by resyncs only. */
export const folderKind: KindModule = {
  kind: 'folder',
  repositoryScoped: false,
  list: (context, selector) => fetchFolders(context, selector as unknown as FolderSelector),
  liveEvents: [],
  liveObjects: () => Promise.resolve([]),
};
