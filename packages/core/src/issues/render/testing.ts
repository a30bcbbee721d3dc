/** Test fixtures: an issue in the shape of the reference issue (#72), with hostile cards mixed in. */
import { createHash } from "node:crypto";
import type { IssueCard } from "../card.js";
import type { RenderOptions } from "./index.js";
import type { RenderIssueInput } from "./prepare.js";

export const OPTIONS: RenderOptions = {
  publicBaseUrl: "https://news.example.org",
  newsletterName: "Weekly Kaggle News",
  utmSource: "weekly-kaggle-news",
  utmCampaign: "issue-{number}",
};

/** A media key as the thumbnail step makes them (any 64 hex digits). */
export const mediaKey = (seed: string): string => `${createHash("sha256").update(seed).digest("hex")}.jpg`;

export const HOSTILE_TITLE = "<img src=x onerror=alert(1)>";

const card = (c: Partial<IssueCard> & Pick<IssueCard, "id" | "url" | "title">): IssueCard => ({
  domain: new URL(c.url).hostname.replace(/^www\./, ""),
  description: null,
  imageUrl: null,
  comment: null,
  kind: "article",
  ...c,
});

export const CARDS: IssueCard[] = [
  card({
    id: "transformer",
    thumbnail: mediaKey("transformer"),
    title: "Transformerは何をやっているのか - Speaker Deck",
    url: "https://speakerdeck.com/yusuketakagi/transformerhahe-woyatuteirufalseka",
    description: "Transformerが結局のところ何をやっているのかを図メインで説明しています。",
    imageUrl: "https://s3.amazonaws.com/revue/items/images/008/998/829/thumb/slide_0.jpg?1619455267",
    comment: "自然言語処理領域を中心に成果が報告されている「Transformer」の解説資料。",
  }),
  card({
    id: "autonlp",
    thumbnail: mediaKey("autonlp"),
    title: "AutoNLPを使った日本語文書分類 | 株式会社AI Shift",
    // an existing query, tracking parameters and a fragment
    url: "https://www.ai-shift.co.jp/techblog/1880?lang=ja&utm_source=twitter&fbclid=XYZ#results",
    description: "AI ShiftのTECH BLOGです。",
    imageUrl: "https://s3.amazonaws.com/revue/items/images/008/998/831/thumb/44c.png",
    comment:
      "[21日に日本語対応](https://twitter.com/abhi1thakur/status/1384875565761679360?s=20)したライブラリ「AutoNLP」を用いた記事。\n**線形回帰**やBERTとも比較しています。",
  }),
  card({
    id: "accelerate",
    thumbnail: mediaKey("accelerate"),
    title: "Release v0.3.0 Notebook launcher and multi-node training · huggingface/accelerate",
    url: "https://github.com/huggingface/accelerate/releases/tag/v0.3.0",
    kind: "release",
    tag: "v0.3.0",
    description: "A simple way to train and use PyTorch models with multi-GPU, TPU, mixed-precision",
    imageUrl: "https://opengraph.githubassets.com/1/huggingface/accelerate",
    comment: "PyTorchのデバイス間のやり取りを処理するライブラリ「Accelerate」のv0.3.0が公開されました。",
  }),
  card({
    id: "hostile",
    title: HOSTILE_TITLE,
    url: "https://evil.example/post?x=1",
    description: '"><script>alert(document.cookie)</script>',
    imageUrl: "javascript:alert(1)",
    comment:
      'Nice <b onmouseover="alert(1)">bold</b> [click](javascript:alert(1)) and [x](data:text/html,hi) <script>alert(1)</script>',
  }),
  card({ id: "jsurl", title: "A javascript: link", url: "javascript:alert(1)", description: "never shown" }),
  card({
    id: "addi",
    title: "ADDI Alzheimer’s Detection Challenge",
    url: "https://www.alzheimersdata.org/funding-opportunities/data-science-challenge",
    kind: "competition",
    deadline: "2021-06-30T23:59:00.000Z",
    reward: "$100,000",
    category: "Featured",
    comment: "認知症テストの結果を用いて、患者のアルツハイマー病の進行段階を分類するコンペ。",
  }),
];

export function issue72(overrides: Partial<RenderIssueInput> = {}): RenderIssueInput {
  return {
    number: 72,
    title: "Weekly Kaggle News #72",
    subject: "Weekly Kaggle News #72",
    intro: "今週は *Transformer* の解説資料など。過去の号は https://news.example.org/issues から。",
    sections: [
      {
        heading: "News",
        body: "「[scikit-learn](https://github.com/scikit-learn/scikit-learn)」に StratifiedGroupKFold が実装されました。",
        itemIds: ["transformer", "autonlp", "missing-item", "accelerate"],
      },
      { heading: "Competitions", body: "新しいコンペが始まりました。", itemIds: ["addi", "jsurl"] },
      { heading: "Caution", itemIds: ["hostile"] },
    ],
    cards: new Map(CARDS.map((c) => [c.id, c])),
    ...overrides,
  };
}
