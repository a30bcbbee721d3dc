/**
 * Everything readers see in the newsletter's language (`NEWSLETTER_LANG`): the public pages
 * (subscribe, confirm, unsubscribe, the archive), the confirmation mail and the issue mail's
 * footer. One dictionary per language with the same keys (TypeScript checks `ja` against `en`);
 * `{name}` in a text is replaced from `vars`. Texts are plain: callers escape them for HTML.
 */
import type { NewsletterLang } from "../config.js";

const en = {
  // the pages' frame
  allIssues: "All issues",
  rssFeed: "RSS feed",
  // the subscribe form (GET /subscribe and the archive pages)
  subscribeTitle: "Subscribe",
  subscribeHeading: "Subscribe to {name}",
  subscribeLead:
    "Get each new issue by email. First we send a mail to confirm the address; nothing else is sent until you confirm.",
  formHeading: "Get {name} by email",
  emailLabel: "Email address",
  subscribeButton: "Subscribe",
  // POST /subscribe's answers
  checkInboxHeading: "Check your inbox",
  checkInboxBody:
    "If this address can be subscribed, a confirmation mail is on its way: open the link in it to confirm.",
  checkInboxNote: "Nothing will be sent to you until you confirm. The link works for {days} days.",
  badAddressHeading: "That address does not look right",
  badAddressBody: "The email address {reason}.",
  badAddressRetry: "Please check it and try again.",
  tooManyHeading: "Too many requests",
  tooManyBody: "Please wait a while and try again.",
  // GET /confirm
  confirmedHeading: "You are subscribed",
  confirmedBody: "Thank you for confirming. The next issue of {name} will reach you.",
  alreadyHeading: "You are already subscribed",
  alreadyBody: "Your subscription was confirmed before. Nothing else to do.",
  readArchive: "Read past issues",
  goneHeading: "This link is no longer valid",
  goneBody:
    "The subscription it confirms has ended or was removed since it was sent. Subscribe again to get a new link.",
  // a link that does not work
  badLinkHeading: "This link does not work",
  linkMalformed: "This link is incomplete or damaged.",
  linkBadSignature: "This link is not valid.",
  linkExpired: "This link has expired.",
  linkWrongPurpose: "This link is meant for something else.",
  confirmExpiredHelp: "Confirmation links work for a week. Subscribe again to get a new one.",
  unsubscribeExpiredHelp: "Unsubscribe links work for a year. Please use the link in a recent issue.",
  linkCopyHelp: "Please open the link exactly as it is in the mail.",
  // GET and POST /unsubscribe
  unsubscribeHeading: "Unsubscribe from {name}?",
  unsubscribeBody: "Press the button and no further issues will be sent to this address.",
  unsubscribeButton: "Unsubscribe",
  unsubscribedHeading: "You are unsubscribed",
  unsubscribedBody: "No further issues of {name} will be sent to this address.",
  unsubscribedText: "Unsubscribed.",
  // the archive and the feed
  archiveTitle: "{name}: all issues",
  noIssues: "No issue has been sent yet.",
  notFoundHeading: "Not found",
  notFoundBody: "There is no such issue.",
  allIssuesOf: "All issues of {name}",
  feedDescription: "Every issue of {name}",
  // the issue mail's footer (HTML, then the text part's lines)
  footerReason: "You receive {name} because you subscribed to it.",
  footerWebVersion: "View this issue in your browser",
  footerUnsubscribe: "Unsubscribe",
  footerWebVersionLine: "View this issue in your browser: {url}",
  footerUnsubscribeLine: "Unsubscribe: {url}",
  footerArchive: "Past issues",
  footerForwarded: "Was this forwarded to you?",
  footerSubscribe: "Subscribe",
  footerArchiveLine: "Past issues: {url}",
  footerSubscribeLine: "Subscribe: {url}",
  // facts under a card's title
  prerelease: "pre-release",
  deadline: "deadline {date}",
  prize: "prize {reward}",
  // the confirmation mail
  confirmSubject: "Confirm your subscription to {name}",
  confirmAsk: "Please confirm that you want to receive {name}.",
  confirmButton: "Confirm my subscription",
  confirmOrOpen: "Or open this link:",
  confirmValidity:
    "The link works for {days} days. If you did not ask for this, ignore this mail: nothing will be sent to you.",
};

export type ReaderKey = keyof typeof en;

const ja: Record<ReaderKey, string> = {
  allIssues: "バックナンバー",
  rssFeed: "RSS フィード",
  subscribeTitle: "購読のお申し込み",
  subscribeHeading: "「{name}」を購読する",
  subscribeLead:
    "新しい号をメールでお届けします。はじめにアドレス確認のメールをお送りします。確認が済むまで、ほかのメールはお送りしません。",
  formHeading: "「{name}」をメールで受け取る",
  emailLabel: "メールアドレス",
  subscribeButton: "購読する",
  checkInboxHeading: "メールをご確認ください",
  checkInboxBody:
    "このアドレスで購読できる場合は、確認メールをお送りしました。メールに記載のリンクを開いて、購読を確定してください。",
  checkInboxNote: "確認が済むまで、ニュースレターはお送りしません。リンクの有効期限は {days} 日間です。",
  badAddressHeading: "メールアドレスをご確認ください",
  badAddressBody: "入力されたメールアドレスの形式が正しくないようです。",
  badAddressRetry: "ご確認のうえ、もう一度お試しください。",
  tooManyHeading: "リクエストが多すぎます",
  tooManyBody: "しばらく時間をおいてから、もう一度お試しください。",
  confirmedHeading: "購読の登録が完了しました",
  confirmedBody: "ご確認いただきありがとうございます。次の号から「{name}」をお届けします。",
  alreadyHeading: "すでに購読されています",
  alreadyBody: "購読の確認は以前に完了しています。これ以上の操作は必要ありません。",
  readArchive: "過去の号を読む",
  goneHeading: "このリンクは無効になりました",
  goneBody:
    "このリンクの送信後に、購読が解除または削除されています。新しいリンクを受け取るには、もう一度購読をお申し込みください。",
  badLinkHeading: "このリンクは使用できません",
  linkMalformed: "リンクが途中で切れているか、壊れています。",
  linkBadSignature: "このリンクは有効ではありません。",
  linkExpired: "このリンクは有効期限が切れています。",
  linkWrongPurpose: "このリンクは別の用途のものです。",
  confirmExpiredHelp:
    "確認用リンクの有効期限は 1 週間です。もう一度お申し込みいただくと、新しいリンクをお送りします。",
  unsubscribeExpiredHelp:
    "購読解除用リンクの有効期限は 1 年間です。最近の号のメールに記載のリンクをお使いください。",
  linkCopyHelp: "メールに記載のリンクを、そのままの形で開いてください。",
  unsubscribeHeading: "「{name}」の購読を解除しますか？",
  unsubscribeBody: "ボタンを押すと、このアドレスには今後ニュースレターをお送りしません。",
  unsubscribeButton: "購読を解除する",
  unsubscribedHeading: "購読を解除しました",
  unsubscribedBody:
    "このアドレスには、今後「{name}」をお送りしません。これまでご購読いただき、ありがとうございました。",
  unsubscribedText: "購読を解除しました。",
  archiveTitle: "{name} バックナンバー",
  noIssues: "まだ配信された号はありません。",
  notFoundHeading: "ページが見つかりません",
  notFoundBody: "お探しの号は見つかりませんでした。",
  allIssuesOf: "「{name}」のバックナンバー",
  feedDescription: "「{name}」の全号",
  footerReason: "このメールは「{name}」を購読されている方にお送りしています。",
  footerWebVersion: "ブラウザで表示する",
  footerUnsubscribe: "購読を解除する",
  footerWebVersionLine: "ブラウザで表示する：{url}",
  footerUnsubscribeLine: "購読を解除する：{url}",
  footerArchive: "バックナンバー",
  footerForwarded: "転送されたメールをご覧ですか？",
  footerSubscribe: "購読する",
  footerArchiveLine: "バックナンバー：{url}",
  footerSubscribeLine: "購読する：{url}",
  prerelease: "プレリリース",
  deadline: "締切 {date}",
  prize: "賞金 {reward}",
  confirmSubject: "「{name}」購読のご確認",
  confirmAsk: "「{name}」の購読をご希望の場合は、以下のリンクから確認をお願いします。",
  confirmButton: "購読を確認する",
  confirmOrOpen: "ボタンが使えない場合は、次のリンクを開いてください：",
  confirmValidity:
    "リンクの有効期限は {days} 日間です。お心当たりのない場合は、このメールを破棄してください。今後メールが届くことはありません。",
};

export const READER_TEXTS: Record<NewsletterLang, Record<ReaderKey, string>> = { en, ja };

export type ReaderText = (key: ReaderKey, vars?: Record<string, string | number>) => string;

/** `t(key, vars)`: the text of `key` in `lang` (English for an unknown one), `{var}` filled in. */
export function readerText(lang: NewsletterLang = "en"): ReaderText {
  const texts = READER_TEXTS[lang] ?? en;
  return (key, vars) =>
    texts[key].replace(/\{(\w+)\}/g, (m, k: string) => (vars && k in vars ? String(vars[k]) : m));
}
