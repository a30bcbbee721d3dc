/**
 * The one DynamoDB table (DESIGN.md "Data"). Local runtime and the Storage stack both build it
 * from this definition, so they cannot drift. dynalite ignores GSIs added to an existing table,
 * hence generic GSIs created up front (gsi4 and gsi5 came later: an older local folder gets them at start, local/database.ts), each with string keys `gsiNpk`/`gsiNsk`, projecting
 * everything but the ranked ones (`PROJECTIONS`). What each entity puts in them is in `keys.ts`.
 */
import type { CreateTableCommandInput, Projection } from "@aws-sdk/client-dynamodb";

export const GSI_NAMES = ["gsi1", "gsi2", "gsi3", "gsi4", "gsi5"] as const;
export type GsiName = (typeof GSI_NAMES)[number];
/** Attribute holding the epoch-seconds expiry (DynamoDB TTL on AWS; checked on read locally). */
export const TTL_ATTRIBUTE = "expiresAt";

/**
 * What each index holds besides its keys. gsi1-gsi3 hold everything: counts and text searches
 * filter on their entries. The ranked listings (gsi4, gsi5) never filter: a page's items are read
 * from their records (store/items.ts `confirmPage`), so their entries carry only the item's id,
 * which keeps every item write smaller (on AWS, write units and storage per index follow the
 * projected size).
 */
const PROJECTIONS: Record<GsiName, Projection> = {
  gsi1: { ProjectionType: "ALL" },
  gsi2: { ProjectionType: "ALL" },
  gsi3: { ProjectionType: "ALL" },
  gsi4: { ProjectionType: "INCLUDE", NonKeyAttributes: ["id"] },
  gsi5: { ProjectionType: "INCLUDE", NonKeyAttributes: ["id"] },
};

export function tableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: [
      { AttributeName: "pk", AttributeType: "S" },
      { AttributeName: "sk", AttributeType: "S" },
      ...GSI_NAMES.flatMap((g) => [
        { AttributeName: `${g}pk`, AttributeType: "S" as const },
        { AttributeName: `${g}sk`, AttributeType: "S" as const },
      ]),
    ],
    KeySchema: [
      { AttributeName: "pk", KeyType: "HASH" },
      { AttributeName: "sk", KeyType: "RANGE" },
    ],
    GlobalSecondaryIndexes: GSI_NAMES.map((g) => ({
      IndexName: g,
      KeySchema: [
        { AttributeName: `${g}pk`, KeyType: "HASH" as const },
        { AttributeName: `${g}sk`, KeyType: "RANGE" as const },
      ],
      Projection: PROJECTIONS[g],
    })),
  };
}
