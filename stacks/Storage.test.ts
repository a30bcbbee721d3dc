import { GSI_NAMES, TTL_ATTRIBUTE, tableDefinition } from "@wkn/core/store/table";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Storage } from "./Storage.js";
import { buildApp } from "./testing.js";

describe("Storage stack", () => {
  // biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON
  let table: any;
  let resource: { DeletionPolicy?: string };
  let dispose: () => Promise<void>;

  beforeAll(async () => {
    const built = await buildApp((app) => {
      app.stack(Storage);
    });
    const tables = built.template(Storage).findResources("AWS::DynamoDB::Table");
    expect(Object.keys(tables)).toHaveLength(1);
    resource = Object.values(tables)[0] as typeof resource;
    table = (resource as { Properties: unknown }).Properties;
    dispose = built.dispose;
  });
  afterAll(() => dispose?.());

  it("has the core's keys: pk (hash) and sk (range), strings", () => {
    expect(table.KeySchema).toEqual([
      { AttributeName: "pk", KeyType: "HASH" },
      { AttributeName: "sk", KeyType: "RANGE" },
    ]);
    expect(table.AttributeDefinitions).toEqual(
      expect.arrayContaining(tableDefinition("x").AttributeDefinitions!),
    );
    expect(table.AttributeDefinitions).toHaveLength(tableDefinition("x").AttributeDefinitions!.length);
  });

  it("has the generic GSIs, each gsiNpk/gsiNsk, projecting as the table definition says", () => {
    expect(table.GlobalSecondaryIndexes.map((g: { IndexName: string }) => g.IndexName).sort()).toEqual([
      ...GSI_NAMES,
    ]);
    for (const g of GSI_NAMES) {
      expect(table.GlobalSecondaryIndexes).toContainEqual({
        IndexName: g,
        KeySchema: [
          { AttributeName: `${g}pk`, KeyType: "HASH" },
          { AttributeName: `${g}sk`, KeyType: "RANGE" },
        ],
        Projection: ["gsi4", "gsi5"].includes(g)
          ? { ProjectionType: "INCLUDE", NonKeyAttributes: ["id"] }
          : { ProjectionType: "ALL" },
      });
    }
  });

  it("expires items by the TTL attribute, bills on demand, keeps point-in-time recovery", () => {
    expect(table.TimeToLiveSpecification).toEqual({ AttributeName: TTL_ATTRIBUTE, Enabled: true });
    expect(table.BillingMode).toBe("PAY_PER_REQUEST");
    expect(table.PointInTimeRecoverySpecification).toMatchObject({ PointInTimeRecoveryEnabled: true });
  });

  it("is kept when the stack is removed (subscribers and sent issues live there)", () => {
    expect(resource.DeletionPolicy).toBe("Retain");
  });
});
