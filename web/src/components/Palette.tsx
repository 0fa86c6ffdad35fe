import { forwardRef, useMemo, useState, type KeyboardEvent } from "react";
import { searchCatalog, type NodeTypeInfo } from "../catalog/catalog";

export const DRAG_TYPE = "application/x-wfaib-node-type";

interface PaletteProps {
  catalog: Map<string, NodeTypeInfo>;
  onAdd: (type: string) => void;
}

/** The searchable list of node types: drag one onto the canvas, or pick it with Enter. */
export const Palette = forwardRef<HTMLInputElement, PaletteProps>(function Palette({ catalog, onAdd }, searchRef) {
  const [query, setQuery] = useState("");
  const [active, setActive] = useState(0);
  const results = useMemo(() => searchCatalog(catalog.values(), query), [catalog, query]);
  const groups = useMemo(() => {
    const byCategory = new Map<string, NodeTypeInfo[]>();
    for (const info of results) byCategory.set(info.category, [...(byCategory.get(info.category) ?? []), info]);
    return [...byCategory.entries()];
  }, [results]);

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === "ArrowDown") {
      event.preventDefault();
      setActive((i) => Math.min(i + 1, results.length - 1));
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      setActive((i) => Math.max(i - 1, 0));
    } else if (event.key === "Enter" && results[active]) {
      event.preventDefault();
      onAdd(results[active].type);
    }
  };
  const activeType = results[active]?.type;

  return (
    <aside className="palette" aria-label="Node palette">
      <label htmlFor="palette-search" className="visually-hidden">Search nodes</label>
      <input
        id="palette-search"
        ref={searchRef}
        type="search"
        placeholder="Search nodes (/)"
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
        }}
        onKeyDown={onKeyDown}
        role="combobox"
        aria-expanded="true"
        aria-controls="palette-list"
        aria-activedescendant={activeType ? `palette-${activeType}` : undefined}
      />
      <div id="palette-list" role="listbox" aria-label="Node types" className="palette-list">
        {groups.map(([category, items]) => (
          <div key={category} role="group" aria-label={category}>
            <div className="palette-category">{category}</div>
            {items.map((info) => (
              <div
                key={info.type}
                id={`palette-${info.type}`}
                role="option"
                aria-selected={info.type === activeType}
                className={`palette-item${info.type === activeType ? " active" : ""}`}
                draggable
                data-testid={`palette-${info.type}`}
                onDragStart={(event) => {
                  event.dataTransfer.setData(DRAG_TYPE, info.type);
                  event.dataTransfer.effectAllowed = "move";
                }}
                onDoubleClick={() => onAdd(info.type)}
                title={info.description || info.type}
              >
                <span className="palette-title">{info.title}</span>
                <span className="palette-type">{info.type}</span>
              </div>
            ))}
          </div>
        ))}
        {results.length === 0 && <p className="empty">No node type matches.</p>}
      </div>
    </aside>
  );
});
