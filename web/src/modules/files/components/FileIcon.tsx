import { Icon, type IconName } from '../../../components/Icon';
import type { FileNode } from '../../../api';
import { iconOf, type FileIcon as Kind } from '../logic/format';

const ICONS: Record<Kind, IconName> = {
  folder: 'files',
  image: 'image',
  text: 'fileText',
  pdf: 'fileText',
  file: 'file',
};

/** The icon of a node's kind (decorative: the name says what it is). */
export function FileIcon({
  node,
  size = 20,
}: {
  node: Pick<FileNode, 'kind' | 'name' | 'content_type'>;
  size?: number;
}) {
  const kind = iconOf(node);
  return (
    <span className={`file-icon file-icon--${kind}`}>
      <Icon name={ICONS[kind]} size={size} />
    </span>
  );
}
