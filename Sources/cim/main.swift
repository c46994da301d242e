import CIMCommands

CIMCommand.runMain()
