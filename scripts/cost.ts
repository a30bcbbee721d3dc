/** `npm run cost`: the AWS cost model of a reference month (issue 16, item 7): being written. */
console.log("{}");
