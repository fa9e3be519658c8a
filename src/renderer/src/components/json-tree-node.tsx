import { useState } from 'react';
import { childCount, childrenOf, type JsonNode } from '../format/json-parse';

/** Children rendered at first (and per "show more"), so a 100k-key object opens at once. */
export const CHILD_PAGE = 100;
const STRING_CAP = 1000;

function Scalar({ node }: { node: JsonNode }) {
  const [full, setFull] = useState(false);
  if (node.t === 'string') {
    const long = node.v.length > STRING_CAP && !full;
    return (
      <span className="jt-str">
        &quot;{long ? node.v.slice(0, STRING_CAP) : node.v}
        {long && (
          <button type="button" className="jt-more" onClick={() => setFull(true)}>
            … {node.v.length - STRING_CAP} more characters
          </button>
        )}
        &quot;
      </span>
    );
  }
  if (node.t === 'number') return <span className="jt-num">{node.raw}</span>;
  if (node.t === 'literal') return <span className={`jt-lit jt-${node.raw}`}>{node.raw}</span>;
  return null;
}

/**
 * One node of the JSON tree. Containers open on demand (only `autoDepth` levels start open)
 * and list their children a page at a time; nothing below a closed node is rendered.
 */
export function JsonTreeNode({
  label,
  node,
  depth,
  autoDepth,
  isIndex,
}: {
  label: string | null;
  node: JsonNode;
  depth: number;
  autoDepth: number;
  isIndex: boolean;
}) {
  const [open, setOpen] = useState(depth < autoDepth);
  const [shown, setShown] = useState(CHILD_PAGE);
  const key =
    label === null ? null : (
      <>
        <span className={isIndex ? 'jt-index' : 'jt-key'}>{isIndex ? label : `"${label}"`}</span>
        <span className="jt-punct">: </span>
      </>
    );
  if (node.t !== 'object' && node.t !== 'array') {
    return (
      <div className="jt-row" role="treeitem">
        <span className="jt-toggle-space" />
        {key}
        <Scalar node={node} />
      </div>
    );
  }
  const n = childCount(node);
  const [openCh, closeCh] = node.t === 'object' ? ['{', '}'] : ['[', ']'];
  const summary =
    node.t === 'object' ? `${n} ${n === 1 ? 'key' : 'keys'}` : `${n} ${n === 1 ? 'item' : 'items'}`;
  const kids = open ? childrenOf(node).slice(0, shown) : [];
  return (
    <div className="jt-node" role="treeitem" aria-expanded={n > 0 ? open : undefined}>
      <div className="jt-row">
        {n > 0 ? (
          <button
            type="button"
            className="jt-toggle"
            aria-label={open ? 'Collapse' : 'Expand'}
            onClick={() => setOpen(!open)}
          >
            {open ? '▾' : '▸'}
          </button>
        ) : (
          <span className="jt-toggle-space" />
        )}
        {key}
        <span className="jt-punct">{openCh}</span>
        {(!open || n === 0) && (
          <>
            {n > 0 && (
              <span className="jt-summary" onClick={() => setOpen(true)}>
                {summary}
              </span>
            )}
            <span className="jt-punct">{closeCh}</span>
          </>
        )}
      </div>
      {open && n > 0 && (
        <div className="jt-children" role="group">
          {kids.map(([k, child], i) => (
            <JsonTreeNode
              key={i}
              label={k}
              node={child}
              depth={depth + 1}
              autoDepth={autoDepth}
              isIndex={node.t === 'array'}
            />
          ))}
          {n > shown && (
            <button
              type="button"
              className="jt-more"
              onClick={() => setShown((s) => s + CHILD_PAGE * 10)}
            >
              Show {Math.min(CHILD_PAGE * 10, n - shown)} more of {n - shown} remaining
            </button>
          )}
        </div>
      )}
      {open && n > 0 && (
        // At the opening line's level, under its first character, not among the children.
        <div className="jt-row" data-testid="jt-close">
          <span className="jt-toggle-space" />
          <span className="jt-punct">{closeCh}</span>
        </div>
      )}
    </div>
  );
}
