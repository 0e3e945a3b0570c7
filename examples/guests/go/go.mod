module guests

go 1.21

require cwlguest v0.0.0

replace cwlguest => ../../../guests/go/cwlguest
