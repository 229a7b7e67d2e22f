import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { TileView } from "./Taxes";

const tile = {
  period: "2026-03", status: "overdue" as const, label: "1 zaległe", color: "red" as const, items: 2, overdue: 1,
  total_grosze: 250000, paid_grosze: 100000, outstanding_grosze: 150000, progress_percent: 40,
};

describe("a month tile", () => {
  it("shows the month, status colour, amounts and progress, and opens on click", async () => {
    const open = vi.fn();
    render(<TileView tile={tile} current={false} onOpen={open} />);
    const button = screen.getByRole("button", { name: /^marzec\s*1 zaległe/ });
    expect(button).toHaveClass("tile-red");
    expect(button).toHaveTextContent("opłacono 40%");
    expect(button.querySelector(".progress span")).toHaveStyle({ width: "40%" });
    await userEvent.click(button);
    expect(open).toHaveBeenCalled();
  });

  it("says when a month has nothing to pay", () => {
    render(<TileView tile={{ ...tile, items: 0, label: "brak pozycji", color: "grey", status: "empty" }} current onOpen={() => undefined} />);
    expect(screen.getByRole("button")).toHaveTextContent("brak pozycji");
    expect(screen.getByRole("button").querySelector(".progress")).toBeNull();
  });
});
