using MudBlazor;

namespace Loom.Studio.Components.Pages.Runs.Parts;

/// <summary>A file or folder of a file tree (artifacts, a snapshot); a folder's value ends with '/', a file's is its path.</summary>
public sealed class FileNode : TreeItemData<string>
{
    private FileNode(string value, string text, long? size) : base(value)
    {
        Text = text;
        Size = size;
        Icon = size is null ? Icons.Material.Filled.Folder : Icons.Material.Outlined.InsertDriveFile;
    }

    private readonly List<FileNode> _children = [];

    /// <summary>The file's size in bytes; null for a folder.</summary>
    public long? Size { get; }

    public bool IsFolder => Size is null;

    /// <summary>
    /// Builds the tree of '/'-separated paths: folders first, then files, each by name. Folders are open when the
    /// tree is small enough to read at a glance.
    /// </summary>
    public static List<TreeItemData<string>> Build(IEnumerable<(string Path, long Size)> files, int openBelow = 60)
    {
        var list = files.ToList();
        var folders = new Dictionary<string, FileNode>(StringComparer.Ordinal);
        var top = new List<FileNode>();
        foreach (var (path, size) in list)
        {
            var parts = path.Split('/');
            List<FileNode> siblings = top;
            var prefix = "";
            for (var i = 0; i < parts.Length - 1; i++)
            {
                prefix += parts[i] + "/";
                if (!folders.TryGetValue(prefix, out var folder))
                {
                    folder = new FileNode(prefix, parts[i], null) { Expandable = true, Expanded = list.Count < openBelow };
                    folders.Add(prefix, folder);
                    siblings.Add(folder);
                }
                siblings = folder._children;
            }
            siblings.Add(new FileNode(path, parts[^1], size) { Expandable = false });
        }
        return Sort(top);
    }

    public static string FormatSize(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:0.#} KB",
        < 1024L * 1024 * 1024 => $"{bytes / (1024.0 * 1024):0.#} MB",
        _ => $"{bytes / (1024.0 * 1024 * 1024):0.##} GB",
    };

    private static List<TreeItemData<string>> Sort(List<FileNode> nodes)
    {
        foreach (var node in nodes.Where(n => n.IsFolder)) node.Children = Sort(node._children);
        return [.. nodes.OrderBy(n => n.IsFolder ? 0 : 1).ThenBy(n => n.Text, StringComparer.Ordinal)];
    }
}
