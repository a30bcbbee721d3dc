/**
 * The awsQuery request format as the AWS SDK writes it: a flat form of `Key=value` pairs where
 * nested members are dotted (`Message.Subject.Data`) and lists are numbered from 1
 * (`Destinations.member.1`, `Tags.member.2.Name`).
 */
export class QueryParams {
  private readonly map: Map<string, string>;

  constructor(form: string) {
    this.map = new Map(new URLSearchParams(form));
  }

  has(key: string): boolean {
    return this.map.has(key);
  }

  get(key: string): string | undefined {
    return this.map.get(key);
  }

  /** The members of a list (`<prefix>.member.N`) in order; an empty list (`<prefix>=`) is []. */
  list(prefix: string): string[] {
    return this.members(prefix).map((n) => this.map.get(`${prefix}.member.${n}`) ?? "");
  }

  /** A list of `Name`/`Value` structures such as `Tags`. */
  tags(prefix: string): { name: string; value: string }[] {
    return this.members(prefix).map((n) => ({
      name: this.map.get(`${prefix}.member.${n}.Name`) ?? "",
      value: this.map.get(`${prefix}.member.${n}.Value`) ?? "",
    }));
  }

  private members(prefix: string): number[] {
    const pattern = new RegExp(`^${prefix.replace(/\./g, "\\.")}\\.member\\.(\\d+)(?:\\.|$)`);
    const indexes = new Set<number>();
    for (const key of this.map.keys()) {
      const m = pattern.exec(key);
      if (m) indexes.add(Number(m[1]));
    }
    return [...indexes].sort((a, b) => a - b);
  }
}
