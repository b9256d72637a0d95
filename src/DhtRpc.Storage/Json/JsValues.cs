namespace DhtRpc.Storage.Json;

/// <summary>Marker for the JSON literal <c>null</c>.</summary>
internal sealed class JsNull
{
    public static readonly JsNull Instance = new();

    private JsNull()
    {
    }
}

/// <summary>A parsed object: insertion-ordered members, later duplicates overwrite in place.</summary>
internal sealed class JsObject
{
    private readonly Dictionary<string, int> _indexOf = new(StringComparer.Ordinal);

    public List<string> Keys { get; } = [];

    public List<object> Values { get; } = [];

    public bool HasArrayIndexKey { get; private set; }

    public void Set(string key, object value)
    {
        if (_indexOf.TryGetValue(key, out var at))
        {
            Values[at] = value;
            return;
        }

        _indexOf.Add(key, Keys.Count);
        Keys.Add(key);
        Values.Add(value);
        if (TryArrayIndex(key, out _))
        {
            HasArrayIndexKey = true;
        }
    }

    /// <summary>Member positions in ECMAScript own-property order.</summary>
    public int[] Order()
    {
        var order = new int[Keys.Count];
        if (!HasArrayIndexKey)
        {
            for (var i = 0; i < order.Length; i++)
            {
                order[i] = i;
            }

            return order;
        }

        var indexed = new List<(uint Index, int Position)>();
        var named = new List<int>();
        for (var i = 0; i < Keys.Count; i++)
        {
            if (TryArrayIndex(Keys[i], out var index))
            {
                indexed.Add((index, i));
            }
            else
            {
                named.Add(i);
            }
        }

        indexed.Sort((a, b) => a.Index.CompareTo(b.Index));
        var n = 0;
        foreach (var (_, position) in indexed)
        {
            order[n++] = position;
        }

        foreach (var position in named)
        {
            order[n++] = position;
        }

        return order;
    }

    /// <summary>An ECMAScript array index: canonical decimal form of an integer 0 … 2^32 − 2.</summary>
    private static bool TryArrayIndex(string key, out uint index)
    {
        index = 0;
        if (key.Length == 0 || key.Length > 10 || (key[0] == '0' && key.Length > 1))
        {
            return false;
        }

        ulong value = 0;
        foreach (var c in key)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }

            value = (value * 10) + (ulong)(c - '0');
        }

        if (value > uint.MaxValue - 1UL)
        {
            return false;
        }

        index = (uint)value;
        return true;
    }
}
