/** Builds a DynamoDB SET/REMOVE update expression from a patch object (undefined = untouched, null = removed). */
export interface UpdateParts {
  UpdateExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
  /** With `expect`: the record exists and holds the expected values. */
  ConditionExpression?: string;
}

/**
 * `expect` conditions the update on what the caller read: each field equals its value, or is
 * absent or null where the value is null or undefined.
 */
export function buildUpdate(patch: Record<string, unknown>, expect?: Record<string, unknown>): UpdateParts {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const sets: string[] = [];
  const removes: string[] = [];
  const nameOf = new Map<string, string>();
  let i = 0;
  for (const [field, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    const n = `#f${i}`;
    names[n] = field;
    nameOf.set(field, n);
    if (value === null) removes.push(n);
    else {
      values[`:v${i}`] = value;
      sets.push(`${n} = :v${i}`);
    }
    i++;
  }
  if (sets.length === 0 && removes.length === 0) throw new Error("empty update");
  const expr = [
    sets.length ? `SET ${sets.join(", ")}` : "",
    removes.length ? `REMOVE ${removes.join(", ")}` : "",
  ]
    .filter(Boolean)
    .join(" ");
  let condition: string | undefined;
  if (expect) {
    const conds = ["attribute_exists(pk)"];
    let j = 0;
    for (const [field, value] of Object.entries(expect)) {
      let n = nameOf.get(field);
      if (!n) {
        n = `#c${j}`;
        names[n] = field;
      }
      values[`:c${j}`] = value ?? null;
      conds.push(value == null ? `(attribute_not_exists(${n}) OR ${n} = :c${j})` : `${n} = :c${j}`);
      j++;
    }
    condition = conds.join(" AND ");
  }
  return {
    UpdateExpression: expr,
    ExpressionAttributeNames: names,
    ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
    ...(condition ? { ConditionExpression: condition } : {}),
  };
}
