using System.Text;
using System.Text.RegularExpressions;

namespace Loom.Studio.Components.Pages.Models;

/// <summary>A command line shown to copy into a POSIX shell: words quoted where the shell would split or expand them, long lines continued.</summary>
public sealed partial class ShellCommand(string program)
{
    private const int LineWidth = 100;
    private readonly List<string> _words = [program];

    [GeneratedRegex("^[A-Za-z0-9_./:=@%+,-]+$")]
    private static partial Regex Safe();

    public ShellCommand Add(params string[] words)
    {
        _words.AddRange(words.Select(Quote));
        return this;
    }

    /// <summary>A word as the shell passes it on unchanged: bare when that is safe, else in single quotes.</summary>
    public static string Quote(string word) => word.Length > 0 && Safe().IsMatch(word) ? word : "'" + word.Replace("'", "'\\''") + "'";

    public override string ToString()
    {
        var text = new StringBuilder();
        var line = 0;
        for (var i = 0; i < _words.Count; i++)
        {
            // An option and its value stay together on a line.
            var word = _words[i];
            var next = i + 1 < _words.Count && word.StartsWith("--", StringComparison.Ordinal) && !_words[i + 1].StartsWith("--", StringComparison.Ordinal)
                ? $"{word} {_words[++i]}" : word;
            if (line > 0 && line + 1 + next.Length > LineWidth)
            {
                text.Append(" \\\n    ");
                line = 4;
            }
            else if (line > 0)
            {
                text.Append(' ');
                line++;
            }
            text.Append(next);
            line += next.Length;
        }
        return text.ToString();
    }
}
