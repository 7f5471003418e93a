// The dialog opened on the screen, by kind.
import type { FilesDialog } from '../context';
import { NameDialog } from './NameDialog';
import { FolderPickerDialog } from './FolderPickerDialog';
import { PreviewDialog } from './PreviewDialog';
import { ShareDialog } from './ShareDialog';
import { VersionsDialog } from './VersionsDialog';

export function FilesDialogs({ dialog, onClose }: { dialog: FilesDialog; onClose(): void }) {
  switch (dialog.kind) {
    case 'new-folder':
      return <NameDialog onClose={onClose} />;
    case 'rename':
      return <NameDialog node={dialog.node} onClose={onClose} />;
    case 'move':
    case 'copy':
      return <FolderPickerDialog node={dialog.node} mode={dialog.kind} onClose={onClose} />;
    case 'preview':
      return <PreviewDialog node={dialog.node} onClose={onClose} />;
    case 'versions':
      return <VersionsDialog node={dialog.node} onClose={onClose} />;
    case 'share':
      return <ShareDialog node={dialog.node} onClose={onClose} />;
  }
}
