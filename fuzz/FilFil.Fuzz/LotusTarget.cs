using FilFil.Core.Lotus;

namespace FilFil.Fuzz;

/// <summary>The Lotus client's receive path: one WebSocket frame from the node, then the JSON shapes read from it (tipset keys, head-change batches).</summary>
internal static class LotusTarget
{
    public static void Frame(byte[] data)
    {
        LotusFrame f = default;
        if (!Targets.Accepts(() => f = LotusFrame.Parse(data))) return;
        switch (f.Kind)
        {
            case LotusFrameKind.Result:
                Targets.Accepts(() => LotusFrame.TipSetKey(f.Value));
                Targets.Accepts(() => LotusFrame.ReadCid(f.Value));
                Targets.Accepts(() => LotusFrame.Base64(f.Value));
                Targets.Accepts(() => LotusFrame.Text(f.Value, "a network name"));
                break;
            case LotusFrameKind.ChannelValue:
                Targets.Accepts(() =>
                {
                    foreach (var (_, val) in LotusFrame.HeadChanges(f.Value)) LotusFrame.TipSetKey(val);
                });
                break;
        }
    }
}
