using Loom.Cli;

return await LoomCli.RunAsync(args, CliContext.CreateDefault());
