// CIMNetwork
