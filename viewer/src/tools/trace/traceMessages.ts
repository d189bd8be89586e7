/** The trace tool's strings (under `trace.`). */
export const traceMessages = {
  'zh-CN': {
    trace: {
      label: '管网追踪',
      title: '管网追踪',
      pick: '单击一条管线，追踪与其相连的管网。',
      loading: '正在追踪…',
      direction: '方向',
      connected: '连通',
      upstream: '上游',
      downstream: '下游',
      summary: '{id}：{direction} {pipes} 条管线，共 {length} m。',
      valves: '需关闭的阀门：{valves}',
      noValves: '没有阀门能隔断这条管线。',
      ends: '终点：{ends}',
      more: '另有 {count} 条未列出（见 CSV）。',
    },
  },
  en: {
    trace: {
      label: 'Network trace',
      title: 'Network trace',
      pick: 'Click a pipe to trace the network joined to it.',
      loading: 'Tracing…',
      direction: 'Direction',
      connected: 'connected',
      upstream: 'upstream',
      downstream: 'downstream',
      summary: '{id}: {pipes} pipes {direction}, {length} m in all.',
      valves: 'Valves to close: {valves}',
      noValves: 'No valve shuts this pipe off.',
      ends: 'Ends: {ends}',
      more: '{count} more not listed (see the CSV).',
    },
  },
};
