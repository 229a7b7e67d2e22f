import { formatPeriod, parseGrosze, formatGrosze } from "./format";

describe("Polish formats", () => {
  it("parses amounts typed with a comma or a dot into grosze", () => {
    expect(parseGrosze("1234,56")).toBe(123456);
    expect(parseGrosze("1 234.5")).toBe(123450);
    expect(parseGrosze("0")).toBeNull();
    expect(parseGrosze("12,345")).toBeNull();
    expect(parseGrosze("abc")).toBeNull();
  });

  it("names months in Polish", () => {
    expect(formatPeriod("2026-03")).toBe("marzec 2026");
  });

  it("shows grosze as złote", () => {
    expect(formatGrosze(123456).replace(/\s/g, " ")).toMatch(/1\s?234,56 zł/);
  });
});
