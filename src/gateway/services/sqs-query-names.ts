/**
 * SQS's query form names some members differently from its JSON form (the model now describes
 * only JSON): CreateQueue takes `Tag.N.Key`/`Tag.N.Value` and `Attribute.N.Name`/`.Value`,
 * TagQueue `Tag.N.Key`, UntagQueue `TagKey.N`, ReceiveMessage `AttributeName.N`, SendMessage
 * `MessageAttribute.N.Name` (Amazon SQS API Reference, query request parameters of CreateQueue,
 * TagQueue, UntagQueue, ReceiveMessage, SendMessage).
 */
export const SQS_QUERY_NAMES: Readonly<Record<string, string>> = {
  tags: 'Tag',
  Tags: 'Tag',
  TagKeys: 'TagKey',
  Attributes: 'Attribute',
  AttributeNames: 'AttributeName',
  MessageAttributes: 'MessageAttribute',
  MessageAttributeNames: 'MessageAttributeName',
};
