// The office's categories with their colours: add, recolour, delete.
import { useEffect, useState } from "react";
import { invoices, type Category } from "../../api/invoices";
import { Alert, Modal, useAction } from "../../components/ui";

export function CategoriesDialog({ open, onClose, categories }: { open: boolean; onClose: () => void; categories: Category[] }) {
  const [items, setItems] = useState<Category[]>(categories);
  const [name, setName] = useState("");
  const [colour, setColour] = useState("#1e88e5");
  const { busy, error, run } = useAction();
  useEffect(() => {
    setItems(categories);
  }, [categories]);

  const add = async () => {
    const created = await run(() => invoices.createCategory(name.trim(), colour));
    if (created) {
      setItems((list) => [...list, created]);
      setName("");
    }
  };
  const remove = async (id: string) => {
    const ok = await run(async () => {
      await invoices.deleteCategory(id);
      return true;
    });
    if (ok) setItems((list) => list.filter((c) => c.id !== id));
  };
  const recolour = async (c: Category, next: string) => {
    const saved = await run(() => invoices.updateCategory(c.id, c.name, next));
    if (saved) setItems((list) => list.map((x) => (x.id === c.id ? saved : x)));
  };

  return (
    <Modal title="Kategorie faktur" open={open} onClose={onClose}>
      <Alert>{error}</Alert>
      <ul className="category-list">
        {items.map((c) => (
          <li key={c.id}>
            <input
              type="color"
              aria-label={`Kolor kategorii ${c.name}`}
              value={c.colour}
              onChange={(e) => void recolour(c, e.target.value)}
            />
            <span>{c.name}</span>
            <button type="button" className="btn btn-small" disabled={busy} onClick={() => void remove(c.id)}>
              Usuń
            </button>
          </li>
        ))}
      </ul>
      <form
        className="row wrap"
        onSubmit={(e) => {
          e.preventDefault();
          void add();
        }}
      >
        <div className="field grow">
          <label htmlFor="cat-name">Nowa kategoria</label>
          <input id="cat-name" required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="cat-colour">Kolor</label>
          <input id="cat-colour" type="color" value={colour} onChange={(e) => setColour(e.target.value)} />
        </div>
        <button type="submit" className="btn btn-primary" disabled={busy || !name.trim()}>
          Dodaj
        </button>
      </form>
    </Modal>
  );
}
