/**
 * How strongly a transcript's prompts name an agent (spec 03 §3.5). The runtime's worker prompts mention the
 * agent in one of these forms; a mention of its role file alone is weak evidence.
 */
export function agentMatchScore(userText: string, agentId: string): number {
  const text = userText.toLowerCase();
  const id = agentId.toLowerCase();
  let score = 0;
  if (text.includes(`agents/${id}.md`)) score += 1;
  if (text.includes(`team_agent_id=${id}`)) score += 2;
  if (text.includes(`your agent id: ${id}`)) score += 2;
  if (text.includes(`team agent worker ${id}`) || text.includes(`worker \`${id}\``)) score += 2;
  return score;
}
