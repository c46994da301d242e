import CIMCommands

CIMCommand.main()
