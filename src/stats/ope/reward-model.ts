// Cell-mean reward models for DM and DR: the mean logged reward per (group, action), or per group alone.

export type RewardRow = { group: string; action: string; reward: number };

export type RewardModel = {
  /** q̂(group, action). */
  predict(group: string, action: string): number;
  /** Cells the model had no rows for, answered by a fallback. */
  readonly emptyCellsAsked: number;
};

type Sums = { n: number; sum: number };

/**
 * `byAction: true` (a model per bucket and action): q̂(g, a) = mean reward of the rows in (g, a); a cell without rows
 * falls back to the group's mean, and a group without rows to the mean of all rows (0 when there are none).
 * `byAction: false`: q̂(g, a) = the group's mean for every action (the action is ignored).
 *
 * With the Open Bandit Dataset, group = position: `byAction: true` is the clicks(item, position) / count(item,
 * position) model and `byAction: false` the clicks(position) / count(position) model that OBP's reference values
 * were computed with. These are in-sample means, fitted on the rows being evaluated (OBP's reference does the same,
 * without cross-fitting): simple and transparent, at the price of DR = DM when the weights are constant per cell.
 */
export function cellMeanRewardModel(rows: Iterable<RewardRow>, opts: { byAction: boolean }): RewardModel {
  const cells = new Map<string, Sums>();
  const groups = new Map<string, Sums>();
  const all: Sums = { n: 0, sum: 0 };
  const add = (map: Map<string, Sums>, key: string, r: number) => {
    const s = map.get(key) ?? { n: 0, sum: 0 };
    s.n++;
    s.sum += r;
    map.set(key, s);
  };
  for (const row of rows) {
    add(cells, cellKey(row.group, row.action), row.reward);
    add(groups, row.group, row.reward);
    all.n++;
    all.sum += row.reward;
  }
  let emptyCellsAsked = 0;
  const overall = all.n > 0 ? all.sum / all.n : 0;
  return {
    predict(group, action) {
      const cell = opts.byAction ? cells.get(cellKey(group, action)) : undefined;
      if (cell) return cell.sum / cell.n;
      if (opts.byAction) emptyCellsAsked++;
      const g = groups.get(group);
      return g ? g.sum / g.n : overall;
    },
    get emptyCellsAsked() {
      return emptyCellsAsked;
    },
  };
}

const cellKey = (group: string, action: string) => `${group}\u0000${action}`;
